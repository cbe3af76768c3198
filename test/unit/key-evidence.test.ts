// Content evidence without a pattern: the answer's bytes against the key asked for and the key of its own request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyEvidence } from '../../extension/core/pairing/key-evidence';

test("an answer whose bytes carry its own request's key and not the one asked for proves the mismatch by content", () => {
  const e = keyEvidence('user:15', 'user:16', Buffer.from('$22\r\nuser:16|grace|bd563e5d\r\n'));
  assert.equal(e, 'asked for key "user:15", got the answer for key "user:16", and the answer\'s bytes carry "user:16"');
});

test("a row whose column equals its statement's bound parameter (a DataRow with the text value)", () => {
  const row = Buffer.concat([Buffer.from('D\0\0\0\x14\0\x01\0\0\0\x0a'), Buffer.from('order-1042')]);
  assert.match(keyEvidence('order-1077', 'order-1042', row) ?? '', /bytes carry "order-1042"/);
});

test('short keys occur in any answer by chance: only the server-truth owner is named', () => {
  assert.equal(keyEvidence('7', '9', Buffer.from('9|7|79')), 'asked for key "7", got the answer for key "9"');
});

test('the same key twice, or no key on either side, is no evidence', () => {
  assert.equal(keyEvidence('user:1', 'user:1', Buffer.from('user:1')), null);
  assert.equal(keyEvidence(undefined, 'user:1', Buffer.from('user:1')), null);
  assert.equal(keyEvidence('user:1', undefined, Buffer.from('user:1')), null);
});

test('an answer that carries both keys, or neither, proves nothing by content', () => {
  assert.equal(keyEvidence('user:1', 'user:2', Buffer.from('user:1 user:2')), 'asked for key "user:1", got the answer for key "user:2"');
  assert.equal(keyEvidence('user:1', 'user:2', Buffer.from('OK')), 'asked for key "user:1", got the answer for key "user:2"');
});
