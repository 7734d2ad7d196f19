package notify

// formWords are a hosted form page's own words (SPEC CHN-7), the form's
// labels being the admin's: the chrome around them, the thank-you page and
// why a field was refused (parley.FieldProblem's reasons).
var formWords = map[string]map[string]string{
	"en": {
		"name":           "Your name",
		"email":          "Your email",
		"optional":       "optional",
		"send":           "Send",
		"yes":            "Yes",
		"choose":         "Choose…",
		"fix":            "Please check the fields marked below.",
		"thanks":         "Thank you",
		"thanks_text":    "We have your message and will answer by email.",
		"again":          "Send another message",
		"off":            "This form is not taking messages now.",
		"off_title":      "Form closed",
		"missing_title":  "No such form",
		"missing":        "This form does not exist, or its address has changed.",
		"busy_title":     "Too many messages",
		"busy":           "Too many messages were sent from here. Please try again in {wait}.",
		"origin":         "This site may not send this form.",
		"required":       "This field is required.",
		"too_long":       "This is too long.",
		"email_invalid":  "This is not an email address.",
		"phone_invalid":  "This is not a phone number.",
		"number_invalid": "This is not a number.",
		"choice_invalid": "Choose one of the options.",
		"minutes":        "a few minutes",
		"seconds":        "a few seconds",
	},
	"fr": {
		"name":           "Votre nom",
		"email":          "Votre e-mail",
		"optional":       "facultatif",
		"send":           "Envoyer",
		"yes":            "Oui",
		"choose":         "Choisir…",
		"fix":            "Vérifiez les champs signalés ci-dessous.",
		"thanks":         "Merci",
		"thanks_text":    "Nous avons bien reçu votre message et vous répondrons par e-mail.",
		"again":          "Envoyer un autre message",
		"off":            "Ce formulaire ne reçoit pas de messages pour le moment.",
		"off_title":      "Formulaire fermé",
		"missing_title":  "Formulaire introuvable",
		"missing":        "Ce formulaire n'existe pas, ou son adresse a changé.",
		"busy_title":     "Trop de messages",
		"busy":           "Trop de messages ont été envoyés d'ici. Réessayez dans {wait}.",
		"origin":         "Ce site ne peut pas envoyer ce formulaire.",
		"required":       "Ce champ est obligatoire.",
		"too_long":       "C'est trop long.",
		"email_invalid":  "Ce n'est pas une adresse e-mail.",
		"phone_invalid":  "Ce n'est pas un numéro de téléphone.",
		"number_invalid": "Ce n'est pas un nombre.",
		"choice_invalid": "Choisissez l'une des options.",
		"minutes":        "quelques minutes",
		"seconds":        "quelques secondes",
	},
}

// FormWords returns a hosted form page's words in locale (English for one
// it does not know).
func FormWords(locale string) map[string]string {
	return formWords[Locale(locale)]
}
