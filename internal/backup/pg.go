package backup

import (
	"fmt"
	"net/url"
	"strings"
)

// On PostgreSQL, Parley's archive holds the secret key and the blobs, and
// PostgreSQL's own tools copy the database: they know its every feature,
// and an operator of PostgreSQL knows them. These say the commands to run.

// libpqParams are the URL parameters pg_dump and pg_restore understand;
// others in Parley's URL (pgx's, such as pool sizes) would make them fail.
var libpqParams = map[string]bool{
	"sslmode": true, "sslrootcert": true, "sslcert": true, "sslkey": true, "sslcrl": true,
	"sslnegotiation": true, "channel_binding": true, "gssencmode": true, "connect_timeout": true,
	"application_name": true, "options": true, "target_session_attrs": true, "host": true,
	"port": true, "dbname": true, "user": true, "service": true, "passfile": true,
}

// PGDump returns the pg_dump command that copies the database at
// databaseURL (Parley's PARLEY_DATABASE_URL) into file, in pg_dump's own
// format. The URL's password is left out, so the command can be shown and
// logged: pg_dump reads it from PGPASSWORD or ~/.pgpass.
func PGDump(databaseURL, file string) (string, error) {
	u, schema, err := forLibpq(databaseURL)
	if err != nil {
		return "", err
	}
	cmd := "pg_dump --format=custom --no-owner --file=" + shellQuote(file)
	if schema != "" {
		cmd += " --schema=" + shellQuote(schema)
	}
	return cmd + " --dbname=" + shellQuote(u), nil
}

// PGRestore returns the pg_restore command that loads file, made by
// PGDump's command, into the (empty) database at databaseURL, without the
// URL's password.
func PGRestore(databaseURL, file string) (string, error) {
	u, _, err := forLibpq(databaseURL)
	if err != nil {
		return "", err
	}
	return "pg_restore --no-owner --exit-on-error --dbname=" + shellQuote(u) + " " + shellQuote(file), nil
}

// forLibpq returns databaseURL without its password and with only the
// parameters libpq knows, and the schema its search_path names, if any.
func forLibpq(databaseURL string) (string, string, error) {
	u, err := url.Parse(databaseURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		// Never echo the URL: it may hold a password.
		return "", "", fmt.Errorf("backup: PARLEY_DATABASE_URL is not a postgres:// URL")
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	// Parley's tables are in the first schema of the search path; public
	// needs no flag.
	schema, _, _ := strings.Cut(q.Get("search_path"), ",")
	if schema = strings.TrimSpace(schema); schema == "public" {
		schema = ""
	}
	for k := range q {
		if !libpqParams[k] {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), schema, nil
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
