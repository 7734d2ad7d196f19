import { test, expect, signIn, shot } from './fixtures';

// Tickets (SPEC CRM-2, CRM-3): an admin defines a pipeline; an agent opens
// a ticket from a conversation's sidebar, sees it there and in the
// timeline, and moves it to a closing stage, with an undo.
test.describe('tickets', () => {
  test('an admin defines a pipeline; an agent opens a ticket from a conversation and moves it across stages', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Ticket desk');
    await parley.push(inbox.channel, { email: 'tia@client.test', name: 'Tia Client' }, 'My order 77 never came.', 'Order 77 missing');
    const admin = await signIn(browser, parley, await parley.user('Ada Pipes', 'admin'));
    await admin.goto('/settings/pipelines');
    await admin.getByRole('button', { name: 'Add a pipeline' }).click();
    const form = admin.getByRole('form', { name: 'Add a pipeline' });
    const pipeline = `Support ${Date.now()}`;
    await form.getByLabel('Name', { exact: true }).fill(pipeline);
    // New and Done are there to start from; a stage in the middle.
    await expect(form.getByRole('textbox', { name: 'Stage 1' })).toHaveValue('New');
    await form.getByRole('button', { name: 'Add a stage' }).click();
    await form.getByRole('textbox', { name: 'Stage 3' }).fill('Waiting on customer');
    await form.getByRole('button', { name: 'Move Waiting on customer up' }).click();
    await expect(form.getByRole('textbox', { name: 'Stage 2' })).toHaveValue('Waiting on customer');
    await form.getByRole('button', { name: 'Add a pipeline' }).click();
    const row = admin.getByRole('listitem', { name: pipeline });
    await expect(row).toContainText('New → Waiting on customer → Done');

    const agent = await signIn(browser, parley, await parley.user('Tom Tickets'));
    await agent.goto('/');
    await agent.getByRole('link', { name: /Order 77 missing/ }).first().click();
    const tickets = agent.getByRole('region', { name: 'Tickets' });
    await expect(tickets.getByText('No ticket for this conversation.')).toBeVisible();
    await tickets.getByRole('button', { name: 'New ticket' }).click();
    const create = tickets.getByRole('form', { name: 'New ticket' });
    await expect(create.getByLabel('Subject')).toHaveValue('Order 77 missing');
    const pipelines = create.getByRole('combobox', { name: 'Pipeline' });
    if (await pipelines.count()) await pipelines.selectOption({ label: pipeline });
    await create.getByRole('combobox', { name: 'Priority' }).selectOption('high');
    await create.getByRole('button', { name: 'Create the ticket' }).click();
    const card = tickets.getByRole('listitem', { name: 'Order 77 missing' });
    await expect(card).toContainText('High priority');
    await expect(card.getByRole('combobox', { name: 'Stage of Order 77 missing' })).toHaveValue(/\d+/);
    const thread = agent.getByRole('region', { name: 'Conversation' });
    await expect(thread.getByText('Tom Tickets created the ticket “Order 77 missing” in New')).toBeVisible();
    await shot(agent, 'ticket-sidebar');

    await card.getByRole('combobox', { name: 'Stage of Order 77 missing' }).selectOption({ label: 'Done' });
    await expect(card).toContainText('Closed');
    await expect(thread.getByText('Tom Tickets moved the ticket “Order 77 missing” from New to Done')).toBeVisible();
    // Undo puts it back where it was.
    await agent.getByRole('button', { name: 'Undo' }).dispatchEvent('click');
    await expect(card).toContainText('Open');
    await expect(card.getByRole('combobox', { name: 'Stage of Order 77 missing' })).toHaveValue(String(await stageID(parley, pipeline, 'New')));

  });

  test('another conversation of the contact links their ticket and unlinks it with an undo; a pipeline holding tickets is kept', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Link desk');
    const pipeline = `Links ${Date.now()}`;
    const p = await parley.api('POST', '/pipelines', { kind: 'ticket', name: pipeline, stages: [{ name: 'New' }, { name: 'Done', closed: true }] });
    const first = await parley.push(inbox.channel, { email: 'lia@client.test', name: 'Lia Client' }, 'My order 78 never came.', 'Order 78 missing');
    await parley.api('POST', '/tickets', { subject: 'Order 78 missing', pipeline_id: p.id, conversation_ids: [first.conversation_id] });
    await parley.mail(inbox.address, 'Lia Client <lia@client.test>', 'Order 78 follow-up', 'Any news on 78?');
    const agent = await signIn(browser, parley, await parley.user('Lou Links'));
    await agent.getByRole('link', { name: /Order 78 follow-up/ }).first().click();
    const other = agent.getByRole('region', { name: 'Tickets' });
    await other.getByRole('combobox', { name: 'Link one of the contact’s tickets' }).selectOption({ label: 'Order 78 missing' });
    await expect(other.getByRole('listitem', { name: 'Order 78 missing' })).toBeVisible();
    await other.getByRole('button', { name: 'Unlink Order 78 missing from this conversation' }).click();
    await expect(other.getByRole('listitem', { name: 'Order 78 missing' })).toHaveCount(0);
    await agent.getByRole('group').filter({ hasText: 'unlinked from this conversation' }).getByRole('button', { name: 'Undo' }).dispatchEvent('click');
    await expect(other.getByRole('listitem', { name: 'Order 78 missing' })).toBeVisible();

    // A pipeline holding a ticket is not deleted: the admin is told why.
    const admin = await signIn(browser, parley, await parley.user('Ada Links', 'admin'));
    await admin.goto('/settings/pipelines');
    await admin.getByRole('button', { name: `Delete ${pipeline}` }).click();
    await admin.getByRole('dialog').getByRole('button', { name: `Delete ${pipeline}` }).click();
    await expect(admin.getByText('This pipeline still holds tickets')).toBeVisible();
  });

  test('the board: a column per stage; a ticket moves by mouse and by keyboard, and back with undo', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Board desk');
    const pushed = await parley.push(inbox.channel, { email: 'bo@client.test', name: 'Bo Client' }, 'The invoice is wrong.', 'Invoice wrong');
    const name = `Billing ${Date.now()}`;
    const p = await parley.api('POST', '/pipelines', { kind: 'ticket', name, stages: [{ name: 'To do' }, { name: 'Doing' }, { name: 'Fixed', closed: true }] });
    const agent = await parley.user('Bea Board');
    await parley.api('POST', '/tickets', { subject: 'Invoice 12 wrong', pipeline_id: p.id, conversation_ids: [pushed.conversation_id] });
    const page = await signIn(browser, parley, agent);
    await page.getByRole('link', { name: 'Tickets' }).click();
    await page.getByRole('combobox', { name: 'Pipeline' }).selectOption({ label: name });
    await expect(page).toHaveURL(new RegExp(`/tickets/${p.id}$`));
    const column = (stage: string) => page.getByRole('region', { name: new RegExp(`^${stage}:`) });
    const card = page.getByRole('button', { name: /^Invoice 12 wrong, in/ });
    await expect(column('To do')).toContainText('Invoice 12 wrong');
    // What a teammate does shows at once.
    await parley.api('POST', '/tickets', { subject: 'Refund asked', pipeline_id: p.id });
    await expect(column('To do')).toContainText('Refund asked');

    await card.dragTo(column('Doing'));
    await expect(column('Doing')).toContainText('Invoice 12 wrong');
    await expect(card).toHaveAccessibleName('Invoice 12 wrong, in Doing');
    await card.focus();
    await page.keyboard.press('ArrowRight');
    await expect(column('Fixed')).toContainText('Invoice 12 wrong');
    await shot(page, 'ticket-board');
    await page.setViewportSize({ width: 390, height: 800 });
    await shot(page, 'ticket-board-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect(page.getByRole('status').filter({ hasText: '“Invoice 12 wrong” moved to Fixed.' }).first()).toBeAttached();
    const stored = await parley.api('GET', `/tickets?pipeline_id=${p.id}`);
    expect(stored.items.find((x: { subject: string }) => x.subject === 'Invoice 12 wrong').status).toBe('closed');
    await page.getByRole('group').filter({ hasText: 'moved to Fixed' }).getByRole('button', { name: 'Undo' }).dispatchEvent('click');
    await expect(column('Doing')).toContainText('Invoice 12 wrong');
    // The same tickets as a list, filtered.
    await page.getByRole('button', { name: 'List', exact: true }).click();
    await expect(page.getByRole('row', { name: /Invoice 12 wrong/ })).toContainText('Doing');
    await page.getByRole('combobox', { name: 'Status' }).selectOption('closed');
    await expect(page.getByText('No ticket here.')).toBeVisible();
    await page.getByRole('combobox', { name: 'Status' }).selectOption('');
    await page.getByRole('button', { name: 'Board', exact: true }).click();
  });

  test('a board of more than a page shows more on demand and keeps it when a teammate moves a ticket', async ({ browser, parley }) => {
    const p = await parley.api('POST', '/pipelines', { kind: 'ticket', name: `Busy ${Date.now()}`, stages: [{ name: 'Queue' }, { name: 'Done', closed: true }] });
    for (let i = 0; i < 501; i += 50) {
      const batch = Array.from({ length: Math.min(50, 501 - i) }, (_, j) => parley.api('POST', '/tickets', { subject: `Ask ${i + j}`, pipeline_id: p.id }));
      await Promise.all(batch);
    }
    // The oldest is on the second page (tickets made fifty at a time
    // have no fixed order among themselves, so ask the server which).
    const first = await parley.api('GET', `/tickets?pipeline_id=${p.id}&limit=500`);
    expect(first.next_cursor).toBeTruthy();
    const last = (await parley.api('GET', `/tickets?pipeline_id=${p.id}&limit=500&cursor=${encodeURIComponent(first.next_cursor)}`)).items[0];
    const page = await signIn(browser, parley, await parley.user('Bo Busy'));
    await page.goto(`/tickets/${p.id}`);
    const queue = page.getByRole('region', { name: /^Queue:/ });
    const oldest = queue.getByRole('button', { name: new RegExp(`^${last.subject}, in`) });
    await expect(queue).toHaveAccessibleName('Queue: 500 tickets');
    await expect(oldest).toHaveCount(0);
    await page.getByRole('button', { name: 'Show more' }).click();
    await expect(queue).toHaveAccessibleName('Queue: 501 tickets');
    await expect(oldest).toHaveCount(1);
    await expect(page.getByRole('button', { name: 'Show more' })).toBeHidden();
    // A teammate closes the oldest: the board reads again and loses no page.
    await parley.api('PATCH', `/tickets/${last.id}`, { stage_id: p.stages[1].id });
    await expect(page.getByRole('region', { name: /^Done:/ })).toHaveAccessibleName('Done: 1 ticket');
    await expect(queue).toHaveAccessibleName('Queue: 500 tickets');
  });

  test('a ticket opens whole from the board: changed, deleted after a confirmation, its conversation a click away', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Dialog desk');
    const pushed = await parley.push(inbox.channel, { email: 'do@client.test', name: 'Do Client' }, 'The invoice is wrong.', 'Invoice 13');
    const p = await parley.api('POST', '/pipelines', { kind: 'ticket', name: `Dialog ${Date.now()}`, stages: [{ name: 'To do' }, { name: 'Fixed', closed: true }] });
    await parley.api('POST', '/tickets', { subject: 'Invoice 13 wrong', pipeline_id: p.id, conversation_ids: [pushed.conversation_id] });
    await parley.api('POST', '/tickets', { subject: 'Refund asked', pipeline_id: p.id });
    const page = await signIn(browser, parley, await parley.user('Dee Dialog'));
    await page.goto(`/tickets/${p.id}`);
    const column = page.getByRole('region', { name: /^To do:/ });
    await page.getByRole('button', { name: /^Refund asked, in/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Refund asked' });
    await dialog.getByLabel('Priority').selectOption('urgent');
    // Its contact is found by name; its company too.
    const stamp = Date.now();
    const buyer = await parley.api('POST', '/contacts', { name: `Ria Refund ${stamp}` });
    const firm = await parley.api('POST', '/companies', { name: `Refundco ${stamp}` });
    await dialog.getByRole('group', { name: 'Contact' }).getByRole('searchbox', { name: 'Find a contact' }).fill(`Ria Refund ${stamp}`);
    await dialog.getByRole('list', { name: 'Contacts found' }).getByRole('button', { name: `Ria Refund ${stamp}` }).click();
    await dialog.getByRole('group', { name: 'Company' }).getByRole('searchbox', { name: 'Find a company' }).fill(`Refundco ${stamp}`);
    await dialog.getByRole('list', { name: 'Companies found' }).getByRole('button', { name: `Refundco ${stamp}` }).click();
    await expect(dialog.getByRole('group', { name: 'Company' }).getByRole('listitem')).toHaveText([`Refundco ${stamp} ×`]);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(column).toContainText('Urgent');
    const refund = (await parley.api('GET', `/tickets?pipeline_id=${p.id}`)).items.find((t: { subject: string }) => t.subject === 'Refund asked');
    expect([refund.contact_id, refund.company_id]).toEqual([buyer.id, firm.id]);
    await page.getByRole('button', { name: /^Refund asked, in/ }).click();
    await dialog.getByRole('button', { name: 'Delete the ticket' }).click();
    await dialog.getByRole('alertdialog').getByRole('button', { name: 'Delete Refund asked' }).click();
    await expect(column).not.toContainText('Refund asked');
    await page.getByRole('button', { name: /^Invoice 13 wrong, in/ }).click();
    await page.getByRole('dialog', { name: 'Invoice 13 wrong' }).getByRole('link', { name: `#${pushed.conversation_id}` }).click();
    await expect(page.getByRole('region', { name: 'Conversation' }).getByText('The invoice is wrong.')).toBeVisible();
  });

  test('a channel that treats its conversations as tickets opens one for each new conversation, owned by the conversation’s owner', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Auto desk');
    const name = `Auto ${Date.now()}`;
    await parley.api('POST', '/pipelines', { kind: 'ticket', name, stages: [{ name: 'Inbox' }, { name: 'Closed', closed: true }] });
    const admin = await signIn(browser, parley, await parley.user('Ada Auto', 'admin'));
    await admin.goto('/settings/channels');
    await admin.getByRole('combobox', { name: 'Inbox' }).last().selectOption({ label: 'Auto desk' });
    const form = admin.getByRole('region', { name: 'Auto desk chat' }).getByRole('form', { name: 'Tickets' });
    await form.getByLabel('Treat incoming conversations as tickets').check();
    await form.getByRole('combobox', { name: 'Pipeline' }).selectOption({ label: name });
    await expect(form.getByRole('combobox', { name: 'Owner' })).toHaveValue('0');
    await form.getByRole('button', { name: 'Save the ticket setting' }).click();
    await expect(admin.getByText('Saved.').first()).toBeVisible();

    await parley.push(inbox.channel, { email: 'al@client.test', name: 'Al Client' }, 'The lid is loose.', 'Loose lid');
    const agent = await signIn(browser, parley, await parley.user('Ali Auto'));
    await agent.getByRole('link', { name: /Loose lid/ }).first().click();
    const card = agent.getByRole('region', { name: 'Tickets' }).getByRole('listitem', { name: 'Loose lid' });
    await expect(card).toBeVisible();
    await expect(agent.getByRole('region', { name: 'Conversation' }).getByText('Parley created the ticket “Loose lid” in Inbox')).toBeVisible();
    // Taking the conversation makes its ticket yours too.
    await agent.getByRole('combobox', { name: 'Assign' }).selectOption({ label: 'Ali Auto (me)' });
    await expect.poll(async () => (await parley.api('GET', `/tickets?conversation_id=${(await parley.api('GET', `/conversations?inbox=${inbox.id}`)).items[0].id}`)).items[0].owner_id).not.toBeNull();
  });
});

async function stageID(parley: { api: (m: string, p: string) => Promise<any> }, pipeline: string, stage: string): Promise<number> {
  const ps = await parley.api('GET', '/pipelines?kind=ticket');
  const p = ps.items.find((x: { name: string }) => x.name === pipeline);
  return p.stages.find((s: { name: string }) => s.name === stage).id;
}
