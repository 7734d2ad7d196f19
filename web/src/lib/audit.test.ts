import { describe, expect, it } from 'vitest';
import { changes } from './audit';

describe('changes', () => {
  it.each([
    ['only what differs', { name: 'Billing', access: 'everyone' }, { name: 'Invoices', access: 'everyone' }, [['name', 'Billing', 'Invoices']]],
    ['lists and nothing', { user_ids: [] }, { user_ids: [3, 4] }, [['user_ids', '—', '3, 4']]],
    ['a field that appears', { name: 'A' }, { name: 'A', role: 'agent' }, [['role', '—', 'agent']]],
    ['no before: everything after', null, { method: 'password', reason: 'x' }, [['method', '', 'password'], ['reason', '', 'x']]],
    ['nothing at all', null, null, []],
  ])('%s', (_, before, after, want) => expect(changes(before, after)).toEqual(want));
});
