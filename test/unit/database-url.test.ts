// A database URL apart from its password: settings keep the URL without it, secret storage the password, and the two
// put back together give the URL the user typed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { splitPassword, withPassword } from '../../extension/core/database-url';

describe('database URL passwords', () => {
  test('the userinfo password comes out decoded, and goes back in encoded', () => {
    const s = splitPassword('mysql://app:p%40ss%3Aw%2Fd@127.0.0.1:3306/test');
    assert.deepEqual(s, { bare: 'mysql://app@127.0.0.1:3306/test', password: 'p@ss:w/d', user: 'app' });
    assert.equal(withPassword(s.bare, s.password ?? ''), 'mysql://app:p%40ss%3Aw%2Fd@127.0.0.1:3306/test');
  });

  test('a password query parameter is a password too; the other parameters stay', () => {
    assert.deepEqual(splitPassword('postgres://app@db.internal/orders?password=s3cret&sslmode=require'), {
      bare: 'postgres://app@db.internal/orders?sslmode=require',
      password: 's3cret',
      user: 'app',
    });
  });

  test('a Redis URL with only a password, and URLs with none', () => {
    assert.deepEqual(splitPassword('redis://:hunter2@127.0.0.1:6379'), { bare: 'redis://127.0.0.1:6379', password: 'hunter2', user: '' });
    assert.deepEqual(splitPassword('mysql://root@127.0.0.1:3306/test'), { bare: 'mysql://root@127.0.0.1:3306/test', password: null, user: 'root' });
    assert.equal(withPassword('mysql://root@127.0.0.1:3306/test', ''), 'mysql://root@127.0.0.1:3306/test');
  });

  test('what is not a URL comes back whole, with no password taken out', () => {
    assert.deepEqual(splitPassword('not a url'), { bare: 'not a url', password: null, user: '' });
  });
});
