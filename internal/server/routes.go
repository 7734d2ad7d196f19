package server

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
)

// routes is the table of contents: every route with its permission. "member"
// routes are open to any signed-in user; the use-case then checks inbox
// membership through auth, which answers 404 to outsiders.
func (s *Server) routes(api huma.API, mux *http.ServeMux) {
	// Session and self.
	op(api, s, "login", "POST", "/api/v1/session", public, s.login, created)
	op(api, s, "logout", "DELETE", "/api/v1/session", public, s.logout, noContent)
	op(api, s, "signInCode", "POST", "/api/v1/session/two-factor", public, s.signInCode)
	op(api, s, "enrolAtSignIn", "POST", "/api/v1/session/two-factor/enrol", public, s.enrolAtSignIn)
	op(api, s, "listMySessions", "GET", "/api/v1/me/sessions", signedIn, s.mySessions)
	op(api, s, "endSession", "DELETE", "/api/v1/me/sessions/{id}", signedIn, s.endSession, noContent)
	op(api, s, "endUserSessions", "DELETE", "/api/v1/users/{id}/sessions", admin, s.endUserSessions, noContent)
	op(api, s, "getMyTwoFactor", "GET", "/api/v1/me/two-factor", signedIn, s.myTwoFactor)
	op(api, s, "beginTwoFactor", "POST", "/api/v1/me/two-factor", signedIn, s.beginTwoFactor)
	op(api, s, "confirmTwoFactor", "POST", "/api/v1/me/two-factor/confirm", signedIn, s.confirmTwoFactor)
	op(api, s, "disableTwoFactor", "POST", "/api/v1/me/two-factor/disable", signedIn, s.disableTwoFactor, noContent)
	op(api, s, "newRecoveryCodes", "POST", "/api/v1/me/two-factor/recovery-codes", signedIn, s.newRecoveryCodes)
	op(api, s, "resetTwoFactor", "DELETE", "/api/v1/users/{id}/two-factor", admin, s.resetTwoFactor, noContent)
	op(api, s, "getSignInOptions", "GET", "/api/v1/session/options", public, s.signInOptions)
	mux.HandleFunc("GET /api/v1/session/sso", s.ssoStart)
	mux.HandleFunc("GET "+ssoCallbackPath, s.ssoCallback)
	op(api, s, "getSSOSettings", "GET", "/api/v1/sso-settings", admin, s.ssoSettings)
	op(api, s, "setSSOSettings", "PUT", "/api/v1/sso-settings", admin, s.setSSOSettings)
	op(api, s, "getSignInSettings", "GET", "/api/v1/sign-in-settings", signedIn, s.signInSettings)
	op(api, s, "setSignInSettings", "PUT", "/api/v1/sign-in-settings", admin, s.setSignInSettings)
	op(api, s, "listAudit", "GET", "/api/v1/audit", admin, s.audit)
	op(api, s, "getMe", "GET", "/api/v1/me", signedIn, s.me)
	op(api, s, "setAvailability", "PUT", "/api/v1/me/availability", signedIn, s.setAvailability)
	op(api, s, "getSchedule", "GET", "/api/v1/me/availability-schedule", signedIn, s.schedule)
	op(api, s, "setSchedule", "PUT", "/api/v1/me/availability-schedule", signedIn, s.setSchedule)
	op(api, s, "deleteSchedule", "DELETE", "/api/v1/me/availability-schedule", signedIn, s.deleteSchedule, noContent)
	op(api, s, "changePassword", "PUT", "/api/v1/me/password", signedIn, s.changePassword, noContent)
	op(api, s, "setAvatar", "PUT", "/api/v1/me/avatar", signedIn, s.setAvatar, maxBody(2<<20+1024))
	op(api, s, "removeAvatar", "DELETE", "/api/v1/me/avatar", signedIn, s.removeAvatar)
	op(api, s, "createToken", "POST", "/api/v1/tokens", signedIn, s.createToken, created)
	op(api, s, "listTokens", "GET", "/api/v1/tokens", signedIn, s.listTokens)
	op(api, s, "revokeToken", "DELETE", "/api/v1/tokens/{id}", signedIn, s.revokeToken, noContent)
	op(api, s, "listNotifications", "GET", "/api/v1/notifications", signedIn, s.listNotifications)
	op(api, s, "readNotifications", "POST", "/api/v1/notifications/read", signedIn, s.readNotifications)
	op(api, s, "getNotificationSettings", "GET", "/api/v1/me/notification-settings", signedIn, s.notificationSettings)
	op(api, s, "setNotificationSettings", "PUT", "/api/v1/me/notification-settings", signedIn, s.setNotificationSettings)
	mux.HandleFunc("GET /login/{token}", s.loginLink)
	op(api, s, "requestPasswordReset", "POST", "/api/v1/password-reset", public, s.requestPasswordReset, accepted)
	op(api, s, "resetPassword", "PUT", "/api/v1/password-reset", public, s.resetPassword, noContent)
	op(api, s, "getOrganization", "GET", "/api/v1/organization", signedIn, s.organization)
	op(api, s, "updateOrganization", "PATCH", "/api/v1/organization", admin, s.renameOrganization)

	// People.
	op(api, s, "listUsers", "GET", "/api/v1/users", signedIn, s.listUsers)
	op(api, s, "createUser", "POST", "/api/v1/users", admin, s.createUser, created)
	op(api, s, "updateUser", "PATCH", "/api/v1/users/{id}", signedIn, s.updateUser) // self: name, meeting link, language; admin: all, active
	op(api, s, "getAvatar", "GET", "/api/v1/users/{id}/avatar", signedIn, s.avatar)
	op(api, s, "inviteUser", "POST", "/api/v1/users/{id}/invitation", admin, s.invite, created)
	op(api, s, "listTeams", "GET", "/api/v1/teams", signedIn, s.listTeams)
	op(api, s, "createTeam", "POST", "/api/v1/teams", admin, s.createTeam, created)
	op(api, s, "setTeamMembers", "PUT", "/api/v1/teams/{id}/members", admin, s.setTeamMembers)
	op(api, s, "updateTeam", "PATCH", "/api/v1/teams/{id}", admin, s.renameTeam)
	op(api, s, "deleteTeam", "DELETE", "/api/v1/teams/{id}", admin, s.deleteTeam, noContent)

	// Inboxes and channels.
	op(api, s, "listInboxes", "GET", "/api/v1/inboxes", signedIn, s.listInboxes)
	op(api, s, "createInbox", "POST", "/api/v1/inboxes", admin, s.createInbox, created)
	op(api, s, "getInbox", "GET", "/api/v1/inboxes/{id}", member, s.getInbox)
	op(api, s, "updateInbox", "PATCH", "/api/v1/inboxes/{id}", admin, s.updateInbox)
	op(api, s, "deleteInbox", "DELETE", "/api/v1/inboxes/{id}", admin, s.deleteInbox, noContent)
	op(api, s, "setInboxMembers", "PUT", "/api/v1/inboxes/{id}/members", admin, s.setInboxMembers)
	op(api, s, "getRetention", "GET", "/api/v1/inboxes/{id}/retention", admin, s.retention)
	op(api, s, "setRetention", "PUT", "/api/v1/inboxes/{id}/retention", admin, s.setRetention)
	op(api, s, "retentionPreview", "GET", "/api/v1/inboxes/{id}/retention/preview", admin, s.retentionPreview)
	op(api, s, "listChannels", "GET", "/api/v1/inboxes/{id}/channels", member, s.listChannels)
	op(api, s, "createChannel", "POST", "/api/v1/inboxes/{id}/channels", admin, s.createChannel, created)
	op(api, s, "updateChannel", "PATCH", "/api/v1/channels/{id}", admin, s.updateChannel)
	op(api, s, "listChatFlows", "GET", "/api/v1/inboxes/{id}/chat-flows", admin, s.listChatFlows)
	op(api, s, "createChatFlow", "POST", "/api/v1/inboxes/{id}/chat-flows", admin, s.createChatFlow, created)
	op(api, s, "orderChatFlows", "PUT", "/api/v1/inboxes/{id}/chat-flows/order", admin, s.orderChatFlows)
	op(api, s, "updateChatFlow", "PUT", "/api/v1/inboxes/{id}/chat-flows/{flow}", admin, s.updateChatFlow)
	op(api, s, "deleteChatFlow", "DELETE", "/api/v1/inboxes/{id}/chat-flows/{flow}", admin, s.deleteChatFlow, noContent)
	op(api, s, "setChatFlowPicture", "PUT", "/api/v1/inboxes/{id}/chat-flows/{flow}/picture", admin, s.setFlowPicture, maxBody(2<<20+1024))
	op(api, s, "removeChatFlowPicture", "DELETE", "/api/v1/inboxes/{id}/chat-flows/{flow}/picture", admin, s.removeFlowPicture)
	op(api, s, "getIdentitySecret", "GET", "/api/v1/channels/{id}/identity-secret", admin, s.identitySecret)
	op(api, s, "rotateIdentitySecret", "POST", "/api/v1/channels/{id}/identity-secret", admin, s.rotateIdentitySecret)
	op(api, s, "getRouting", "GET", "/api/v1/channels/{id}/routing", admin, s.getRouting)
	op(api, s, "setRouting", "PUT", "/api/v1/channels/{id}/routing", admin, s.setRouting)
	op(api, s, "receiveMessage", "POST", "/api/v1/channels/{id}/messages", member, s.receiveMessage, created, maxBody(2<<20))
	op(api, s, "logCall", "POST", "/api/v1/channels/{id}/calls", member, s.logCall, created, maxBody(2<<20))
	op(api, s, "sendEmail", "POST", "/api/v1/inboxes/{id}/emails", member, s.sendEmail, created, maxBody(2<<20))
	op(api, s, "requestFromAddress", "POST", "/api/v1/channels/{id}/from-address", admin, s.requestFromAddress, noContent)
	mux.HandleFunc("GET /verify-from/{token}", s.verifyFromPage)
	mux.HandleFunc("POST /verify-from/{token}", s.verifyFrom)
	op(api, s, "receiveMIME", "POST", "/api/v1/channels/{id}/mime", member, s.receiveMIME, created, maxBody(s.cfg.MaxMessageBytes))
	op(api, s, "listQuarantine", "GET", "/api/v1/quarantine", admin, s.listQuarantine)
	op(api, s, "getQuarantinedRaw", "GET", "/api/v1/quarantine/{id}/raw", admin, s.quarantinedRaw)
	op(api, s, "upload", "POST", "/api/v1/uploads", signedIn, s.upload, created, maxBody(s.cfg.MaxMessageBytes))
	op(api, s, "getAttachment", "GET", "/api/v1/attachments/{id}", member, s.getAttachment)

	// Conversations.
	op(api, s, "listViews", "GET", "/api/v1/views", member, s.views)
	op(api, s, "listConversations", "GET", "/api/v1/conversations", member, s.listConversations)
	op(api, s, "bulkConversations", "POST", "/api/v1/conversations/bulk", member, s.bulk)
	op(api, s, "getConversation", "GET", "/api/v1/conversations/{id}", member, s.getConversation)
	op(api, s, "deleteConversation", "DELETE", "/api/v1/conversations/{id}", member, s.deleteConversation, noContent)
	op(api, s, "getTimeline", "GET", "/api/v1/conversations/{id}/timeline", member, s.timeline)
	op(api, s, "reply", "POST", "/api/v1/conversations/{id}/replies", member, s.reply, created, maxBody(2<<20))
	op(api, s, "forward", "POST", "/api/v1/conversations/{id}/forwards", member, s.forward, created, maxBody(2<<20))
	op(api, s, "comment", "POST", "/api/v1/conversations/{id}/comments", member, s.comment, created, maxBody(2<<20))
	op(api, s, "logConversationCall", "POST", "/api/v1/conversations/{id}/calls", member, s.logConversationCall, created, maxBody(2<<20))
	op(api, s, "markRead", "POST", "/api/v1/conversations/{id}/read", member, s.markRead, noContent)
	op(api, s, "markUnread", "POST", "/api/v1/conversations/{id}/unread", member, s.markUnread, noContent)
	op(api, s, "assign", "PUT", "/api/v1/conversations/{id}/assignee", member, s.assign)
	op(api, s, "close", "POST", "/api/v1/conversations/{id}/close", member, s.action(s.conv.Close))
	op(api, s, "reopen", "POST", "/api/v1/conversations/{id}/reopen", member, s.action(s.conv.Reopen))
	op(api, s, "takeOver", "POST", "/api/v1/conversations/{id}/take-over", member, s.action(s.conv.TakeOver))
	op(api, s, "spam", "POST", "/api/v1/conversations/{id}/spam", member, s.action(s.conv.Spam))
	op(api, s, "trash", "POST", "/api/v1/conversations/{id}/trash", member, s.action(s.conv.Trash))
	op(api, s, "restore", "POST", "/api/v1/conversations/{id}/restore", member, s.action(s.conv.Restore))
	op(api, s, "dissociateContact", "DELETE", "/api/v1/conversations/{id}/contact", member, s.dissociate)
	op(api, s, "associateContact", "PUT", "/api/v1/conversations/{id}/contact", member, s.associate)
	op(api, s, "emailTranscript", "POST", "/api/v1/conversations/{id}/transcript", member, s.emailTranscript, accepted)
	op(api, s, "getRecipients", "GET", "/api/v1/conversations/{id}/recipients", member, s.recipients)

	// What the composer inserts (SPEC CMP-2): anyone signed in reads,
	// everyone but viewers writes (checked in library).
	s.libraryRoutes(api, parley.LibraryTemplate, "templates")
	s.libraryRoutes(api, parley.LibrarySnippet, "snippets")
	s.libraryRoutes(api, parley.LibraryArticle, "articles")
	op(api, s, "listDocuments", "GET", "/api/v1/documents", signedIn, s.listDocuments)
	op(api, s, "addDocument", "POST", "/api/v1/documents", signedIn, s.addDocument, created, maxBody(s.cfg.MaxMessageBytes))
	op(api, s, "deleteDocument", "DELETE", "/api/v1/documents/{id}", signedIn, s.deleteDocument, noContent)
	op(api, s, "getSharedDocument", "GET", "/d/{token}", public, s.sharedDocument)

	// Contacts.
	op(api, s, "listContacts", "GET", "/api/v1/contacts", member, s.listContacts)
	op(api, s, "createContact", "POST", "/api/v1/contacts", member, s.createContact, created)
	op(api, s, "importContacts", "POST", "/api/v1/contacts/import", admin, s.importContacts, maxBody(maxImportBytes))
	op(api, s, "exportContacts", "GET", "/api/v1/contacts/export", admin, s.exportContacts)
	op(api, s, "getContact", "GET", "/api/v1/contacts/{id}", member, s.getContact)
	op(api, s, "updateContact", "PATCH", "/api/v1/contacts/{id}", member, s.updateContact)
	op(api, s, "listContactConsents", "GET", "/api/v1/contacts/{id}/consents", member, s.contactConsents)
	op(api, s, "listContactConversations", "GET", "/api/v1/contacts/{id}/conversations", member, s.contactConversations)
	op(api, s, "eraseContact", "POST", "/api/v1/contacts/{id}/erase", admin, s.eraseContact)
	op(api, s, "blockPreview", "GET", "/api/v1/contacts/{id}/block", member, s.blockPreview)
	op(api, s, "blockContact", "POST", "/api/v1/contacts/{id}/block", member, s.block)
	op(api, s, "unblockContact", "POST", "/api/v1/contacts/{id}/unblock", member, s.unblock)
	op(api, s, "listContactListsOf", "GET", "/api/v1/contacts/{id}/lists", member, s.contactListsOf)
	op(api, s, "mergeContact", "POST", "/api/v1/contacts/{id}/merge", member, s.mergeContact)
	op(api, s, "listContactMerges", "GET", "/api/v1/contacts/{id}/merges", member, s.contactMerges)
	op(api, s, "listSuggestedCompanies", "GET", "/api/v1/contacts/{id}/suggested-companies", member, s.suggestedCompanies)

	// Companies: the whole team's; everyone but viewers edits (checked in crm).
	op(api, s, "listCompanies", "GET", "/api/v1/companies", member, s.listCompanies)
	op(api, s, "createCompany", "POST", "/api/v1/companies", member, s.createCompany, created)
	op(api, s, "getCompany", "GET", "/api/v1/companies/{id}", member, s.getCompany)
	op(api, s, "updateCompany", "PATCH", "/api/v1/companies/{id}", member, s.updateCompany)
	op(api, s, "deleteCompany", "DELETE", "/api/v1/companies/{id}", member, s.deleteCompany, noContent)
	op(api, s, "listCompanyConversations", "GET", "/api/v1/companies/{id}/conversations", member, s.companyConversations)
	op(api, s, "listSuggestedContacts", "GET", "/api/v1/companies/{id}/suggested-contacts", member, s.suggestedContacts)

	// Contact lists.
	// Pipelines and tickets (SPEC CRM-3): admins define pipelines; who
	// sees a ticket follows from its conversations (checked in crm).
	op(api, s, "listPipelines", "GET", "/api/v1/pipelines", signedIn, s.listPipelines)
	op(api, s, "createPipeline", "POST", "/api/v1/pipelines", admin, s.createPipeline, created)
	op(api, s, "updatePipeline", "PUT", "/api/v1/pipelines/{id}", admin, s.updatePipeline)
	op(api, s, "deletePipeline", "DELETE", "/api/v1/pipelines/{id}", admin, s.deletePipeline, noContent)
	op(api, s, "getChannelTickets", "GET", "/api/v1/channels/{id}/tickets", admin, s.getChannelTickets)
	op(api, s, "setChannelTickets", "PUT", "/api/v1/channels/{id}/tickets", admin, s.setChannelTickets)
	op(api, s, "clearChannelTickets", "DELETE", "/api/v1/channels/{id}/tickets", admin, s.clearChannelTickets, noContent)
	op(api, s, "listTickets", "GET", "/api/v1/tickets", member, s.listTickets)
	op(api, s, "createTicket", "POST", "/api/v1/tickets", member, s.createTicket, created)
	op(api, s, "getTicket", "GET", "/api/v1/tickets/{id}", member, s.getTicket)
	op(api, s, "updateTicket", "PATCH", "/api/v1/tickets/{id}", member, s.updateTicket)
	op(api, s, "deleteTicket", "DELETE", "/api/v1/tickets/{id}", member, s.deleteTicket, noContent)
	op(api, s, "linkTicket", "PUT", "/api/v1/tickets/{id}/conversations/{conversation_id}", member, s.linkTicket)
	op(api, s, "unlinkTicket", "DELETE", "/api/v1/tickets/{id}/conversations/{conversation_id}", member, s.unlinkTicket)
	op(api, s, "listDeals", "GET", "/api/v1/deals", member, s.listDeals)
	op(api, s, "createDeal", "POST", "/api/v1/deals", member, s.createDeal, created)
	op(api, s, "getDeal", "GET", "/api/v1/deals/{id}", member, s.getDeal)
	op(api, s, "updateDeal", "PATCH", "/api/v1/deals/{id}", member, s.updateDeal)
	op(api, s, "deleteDeal", "DELETE", "/api/v1/deals/{id}", member, s.deleteDeal, noContent)
	op(api, s, "linkDeal", "PUT", "/api/v1/deals/{id}/conversations/{conversation_id}", member, s.linkDeal)
	op(api, s, "unlinkDeal", "DELETE", "/api/v1/deals/{id}/conversations/{conversation_id}", member, s.unlinkDeal)
	op(api, s, "listContactFields", "GET", "/api/v1/contact-fields", signedIn, s.listContactFields)
	op(api, s, "createContactField", "POST", "/api/v1/contact-fields", admin, s.createContactField, created)
	op(api, s, "updateContactField", "PATCH", "/api/v1/contact-fields/{id}", admin, s.updateContactField)
	op(api, s, "deleteContactField", "DELETE", "/api/v1/contact-fields/{id}", admin, s.deleteContactField, noContent)
	op(api, s, "setContactField", "PUT", "/api/v1/contacts/{id}/fields/{key}", member, s.setContactField, noContent)
	op(api, s, "setCompanyField", "PUT", "/api/v1/companies/{id}/fields/{key}", member, s.setCompanyField, noContent)
	op(api, s, "listContactLists", "GET", "/api/v1/contact-lists", signedIn, s.listContactLists)
	op(api, s, "createContactList", "POST", "/api/v1/contact-lists", admin, s.createContactList, created)
	op(api, s, "updateContactList", "PATCH", "/api/v1/contact-lists/{id}", admin, s.renameContactList)
	op(api, s, "deleteContactList", "DELETE", "/api/v1/contact-lists/{id}", admin, s.deleteContactList, noContent)
	op(api, s, "listContactListMembers", "GET", "/api/v1/contact-lists/{id}/members", admin, s.listMembers)
	op(api, s, "addContactListMember", "PUT", "/api/v1/contact-lists/{id}/members/{contact_id}", member, s.addListMember, noContent)
	op(api, s, "removeContactListMember", "DELETE", "/api/v1/contact-lists/{id}/members/{contact_id}", member, s.removeListMember, noContent)

	// Webhooks (SPEC PLT-1), admins'.
	op(api, s, "listWebhooks", "GET", "/api/v1/webhooks", admin, s.listWebhooks)
	op(api, s, "createWebhook", "POST", "/api/v1/webhooks", admin, s.createWebhook, created)
	op(api, s, "listWebhookEventTypes", "GET", "/api/v1/webhooks/event-types", admin, s.webhookTypes)
	op(api, s, "getWebhook", "GET", "/api/v1/webhooks/{id}", admin, s.getWebhook)
	op(api, s, "updateWebhook", "PATCH", "/api/v1/webhooks/{id}", admin, s.updateWebhook)
	op(api, s, "deleteWebhook", "DELETE", "/api/v1/webhooks/{id}", admin, s.deleteWebhook, noContent)
	op(api, s, "listWebhookDeliveries", "GET", "/api/v1/webhooks/{id}/deliveries", admin, s.listDeliveries)
	op(api, s, "testWebhook", "POST", "/api/v1/webhooks/{id}/test", admin, s.testWebhook)
	op(api, s, "resendWebhookDelivery", "POST", "/api/v1/webhooks/{id}/deliveries/{delivery_id}/resend", admin, s.resendDelivery, accepted)
	// Messaging bridges (SPEC CHN-9): an API channel's, admins'; the
	// bridge's report on a reply, whoever may act in its conversation.
	op(api, s, "getBridge", "GET", "/api/v1/channels/{id}/bridge", admin, s.getBridge)
	op(api, s, "setBridge", "PUT", "/api/v1/channels/{id}/bridge", admin, s.setBridge)
	op(api, s, "removeBridge", "DELETE", "/api/v1/channels/{id}/bridge", admin, s.removeBridge, noContent)
	op(api, s, "reportDelivery", "POST", "/api/v1/messages/{id}/delivery", member, s.reportDelivery)
	// Chat-tool posts (SPEC CHN-10): an inbox's, admins'.
	op(api, s, "getSlack", "GET", "/api/v1/inboxes/{id}/slack", admin, s.getSlack)
	op(api, s, "setSlack", "PUT", "/api/v1/inboxes/{id}/slack", admin, s.setSlack)
	op(api, s, "removeSlack", "DELETE", "/api/v1/inboxes/{id}/slack", admin, s.removeSlack, noContent)
	// Exports (SPEC PLT-3), admins': a job with progress, downloaded when ready.
	op(api, s, "listExports", "GET", "/api/v1/exports", admin, s.listExports)
	op(api, s, "createExport", "POST", "/api/v1/exports", admin, s.createExport, accepted)
	op(api, s, "getExport", "GET", "/api/v1/exports/{id}", admin, s.getExport)
	op(api, s, "downloadExport", "GET", "/api/v1/exports/{id}/download", admin, s.downloadExport)
	op(api, s, "deleteExport", "DELETE", "/api/v1/exports/{id}", admin, s.deleteExport, noContent)
	op(api, s, "getOutboundSettings", "GET", "/api/v1/outbound-settings", admin, s.outboundSettings)
	op(api, s, "setOutboundSettings", "PUT", "/api/v1/outbound-settings", admin, s.setOutboundSettings)

	// The realtime stream (a websocket, beside huma): member; each event is
	// checked against the inboxes the user may read.
	mux.HandleFunc("GET /api/v1/stream", s.stream)

	// The chat widget's public endpoints (widget.go).
	s.widgetRoutes(mux)
	s.formRoutes(mux)

	// Operations and the app.
	mux.HandleFunc("GET /healthz", s.health)
	mux.HandleFunc("GET /readyz", s.ready)
	mux.Handle("GET /metrics", s.metrics.handler())
	mux.HandleFunc("GET /api/v1/docs", s.docs)
	mux.Handle("/", s.app())
}

// who may call a route.
type who int

const (
	public   who = iota // anyone
	signedIn            // any signed-in user
	member              // any signed-in user; the use-case checks inbox membership
	admin               // admins only
)

// op registers a huma operation whose handler gets the actor, checks who may
// call it, and maps domain errors to problems in one place.
func op[I, O any](api huma.API, s *Server, id, method, path string, w who,
	h func(context.Context, parley.Actor, *I) (*O, error), opts ...func(*huma.Operation)) {
	o := huma.Operation{OperationID: id, Method: method, Path: path, Tags: []string{tagOf(path)}}
	if w != public {
		o.Security = []map[string][]string{{"bearer": {}}, {"session": {}}}
		o.Errors = []int{http.StatusUnauthorized}
	}
	for _, f := range opts {
		f(&o)
	}
	huma.Register(api, o, func(ctx context.Context, in *I) (*O, error) {
		a, ok := parley.ActorFrom(ctx)
		if w != public && !ok {
			return nil, huma.NewError(http.StatusUnauthorized, "sign in first")
		}
		if w == admin {
			if err := auth.Admin(a); err != nil {
				return nil, s.problem(err)
			}
		}
		out, err := h(ctx, a, in)
		if err != nil {
			return nil, s.problem(err)
		}
		return out, nil
	})
}

// tagOf groups an operation in the API docs by the resource its path
// names (/api/v1/<resource>/…); a page outside the API is "pages". With
// some 160 operations the docs page shows the groups folded: Swagger UI
// stopped rendering a single unfolded list of them part way (issue 16).
func tagOf(path string) string {
	rest, ok := strings.CutPrefix(path, "/api/v1/")
	if !ok {
		return "pages"
	}
	resource, _, _ := strings.Cut(rest, "/")
	return resource
}

func created(o *huma.Operation)   { o.DefaultStatus = http.StatusCreated }
func noContent(o *huma.Operation) { o.DefaultStatus = http.StatusNoContent }
func accepted(o *huma.Operation)  { o.DefaultStatus = http.StatusAccepted }

func maxBody(n int64) func(*huma.Operation) {
	return func(o *huma.Operation) { o.MaxBodyBytes = n }
}
