// Database URLs are logged without their passwords, wherever they appear in a line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactSecrets } from '../../extension/core/redact';

test("the password in a URL's user info is masked, the user and host stay", () => {
  assert.equal(redactSecrets('mysql://root:s3cr3t@127.0.0.1:3306/test'), 'mysql://root:***@127.0.0.1:3306/test');
  assert.equal(redactSecrets('connecting to postgres://app:p%40ss@db/x and mongodb://u:v@h/'), 'connecting to postgres://app:***@db/x and mongodb://u:***@h/');
});

test('password parameters are masked; URLs without secrets are unchanged', () => {
  assert.equal(redactSecrets('mongodb://h:27017/?password=hunter2&tls=true'), 'mongodb://h:27017/?password=***&tls=true');
  assert.equal(redactSecrets('mysql://root@127.0.0.1:3306/test'), 'mysql://root@127.0.0.1:3306/test');
});
