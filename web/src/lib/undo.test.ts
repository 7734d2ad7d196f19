import { describe, expect, it } from 'vitest';
import { reversals, type BulkItem } from './undo';

const item = (id: number, before: Partial<NonNullable<BulkItem['before']>> | null, changed = true): BulkItem => ({
  id,
  ok: before !== null,
  status: before ? 200 : 404,
  changed,
  before: before ? { status: 'open', placement: 'inbox', assignee_id: null, team_id: null, ...before } : undefined,
});

describe('reversals', () => {
  it('reopens only what a close changed', () => {
    expect(reversals('close', [item(1, {}), item(2, {}, false), item(3, null)])).toEqual([{ action: 'reopen', ids: [1] }]);
  });
  it('puts a restore back where each item was', () => {
    const r = reversals('restore', [item(1, { placement: 'trash' }), item(2, { placement: 'spam' }), item(3, { placement: 'trash' })]);
    expect(r).toEqual([
      { action: 'trash', ids: [1, 3] },
      { action: 'spam', ids: [2] },
    ]);
  });
  it('gives each item its old owner back', () => {
    const r = reversals('assign', [item(1, { assignee_id: 7 }), item(2, {}), item(3, { assignee_id: 7, team_id: 2 })]);
    expect(r).toEqual([
      { action: 'assign', ids: [1], user_id: 7, team_id: null },
      { action: 'assign', ids: [2], user_id: null, team_id: null },
      { action: 'assign', ids: [3], user_id: 7, team_id: 2 },
    ]);
  });
  it('splits long runs into requests the server takes', () => {
    const many = Array.from({ length: 1200 }, (_, i) => item(i + 1, {}));
    expect(reversals('trash', many).map((r) => r.ids.length)).toEqual([500, 500, 200]);
  });
});
