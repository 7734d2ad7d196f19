package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"

	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
)

// openOrg builds the app for a command and makes sure the organisation
// exists, so commands work before the first serve. The caller closes the
// app.
func openOrg(ctx context.Context, getenv func(string) string) (*app, error) {
	cfg, err := config.Load(getenv)
	if err != nil {
		return nil, err
	}
	a, err := newApp(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	if _, err := a.orgs.FirstStart(ctx, cfg.OrgName, ""); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

func userCmd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("user: want create, list or set-password")
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "the user's email")
	name := fs.String("name", "", "the user's full name (create)")
	role := fs.String("role", "agent", "admin, agent or viewer (create)")
	pwStdin := fs.Bool("password-stdin", false, "read a password from standard input (create)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := openOrg(ctx, getenv)
	if err != nil {
		return err
	}
	defer a.Close()
	switch sub {
	case "create":
		pw := ""
		if *pwStdin {
			if pw, err = readLine(stdin); err != nil {
				return err
			}
		}
		u, err := a.orgs.CreateUser(ctx, parley.System, org.NewUser{Email: *email, Name: *name, Role: parley.Role(*role), Password: pw})
		if err != nil {
			return cliError(err)
		}
		fmt.Fprintf(stdout, "created %s %s (id %d)\n", u.Role, u.Email, u.ID)
		return nil
	case "list":
		users, err := a.orgs.Users(ctx, parley.System)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tROLE\tROUTABLE\tAVAILABILITY")
		for _, u := range users {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%t\t%s\n", u.ID, u.Email, u.Name, u.Role, u.Routable, u.Availability)
		}
		return tw.Flush()
	case "set-password":
		pw, err := readLine(stdin)
		if err != nil {
			return err
		}
		if err := a.orgs.SetPassword(ctx, parley.System, *email, pw); err != nil {
			return cliError(err)
		}
		fmt.Fprintf(stdout, "password set for %s\n", *email)
		return nil
	}
	return fmt.Errorf("user: unknown command %q: want create, list or set-password", sub)
}

func tokenCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("token: want create")
	}
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "whose token")
	name := fs.String("name", "command line", "a name to recognise the token by")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	a, err := openOrg(ctx, getenv)
	if err != nil {
		return err
	}
	defer a.Close()
	u, _, err := a.store.UserByEmail(ctx, *email)
	if err != nil {
		return cliError(err)
	}
	token, err := a.orgs.CreateToken(ctx, parley.System, u.ID, org.NewAPIToken{Name: *name})
	if err != nil {
		return cliError(err)
	}
	fmt.Fprintln(stdout, token)
	return nil
}

func readLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password on standard input")
	}
	return line, nil
}

// cliError words a domain error for a terminal.
func cliError(err error) error {
	var e *parley.Error
	if errors.As(err, &e) {
		if e.Field != "" {
			return fmt.Errorf("%s: %s", e.Field, e.Message)
		}
		return errors.New(e.Message)
	}
	return err
}
