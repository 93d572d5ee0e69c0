package main

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/alecthomas/kong"
)

// envPrefix starts the variable of every flag: --max-events is AGENTSTATE_MAX_EVENTS. One rule
// for every flag of every command, so no flag lacks its variable.
const envPrefix = "AGENTSTATE_"

// envName is the variable that sets the flag named name when the command line does not.
func envName(flag string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// envError is a variable whose value the flag it sets does not take.
type envError struct {
	name, value string
	err         error
}

func (e *envError) Error() string {
	return fmt.Sprintf("%s=%q: %v; fix or unset the variable", e.name, e.value, e.err)
}

func (e *envError) Unwrap() error { return e.err }

// envResolver gives kong the value of a flag the command line left unset from its variable, read
// through getenv (tests pass their own environment). A value the flag does not take is an
// envError naming the variable, found here rather than where kong parses it, which would name
// only the flag. Booleans also take on and off, as they always have here.
func envResolver(getenv func(string) string) kong.Resolver {
	return kong.ResolverFunc(func(_ *kong.Context, _ *kong.Path, f *kong.Flag) (any, error) {
		if f.Name == "help" {
			return nil, nil // AGENTSTATE_HELP asks for nothing
		}
		name := envName(f.Name)
		raw := getenv(name)
		v := strings.TrimSpace(raw)
		if v == "" {
			return nil, nil
		}
		if f.IsBool() {
			v = boolWord(v)
		}
		scratch := reflect.New(f.Target.Type()).Elem()
		ctx := &kong.DecodeContext{Value: f.Value, Scan: kong.Scan().PushTyped(v, kong.FlagValueToken)}
		if err := f.Mapper.Decode(ctx, scratch); err != nil {
			return nil, &envError{name: name, value: raw, err: err}
		}
		return v, nil
	})
}

// boolWord maps the words on and off, which kong does not take, to true and false.
func boolWord(v string) string {
	switch strings.ToLower(v) {
	case "on":
		return "true"
	case "off":
		return "false"
	}
	return v
}

// envHelp ends every flag's help with its variable, in brackets, as the README lists them.
func envHelp(v *kong.Value) string {
	if v.Flag == nil || v.Name == "help" {
		return v.Help
	}
	return v.Help + " [" + envName(v.Name) + "]"
}

// errHelp says the command only printed its help.
var errHelp = errors.New("help printed")

// helpShown is what kong's exit hook panics with once it has printed the help, so that parsing
// stops there: whatever else is wrong (a bad variable) never hides the help.
type helpShown struct{}

// command is a subcommand's name, the words of its help, and the flags it parses into.
type command struct {
	name  string // "verify"
	about string // the help's text, after kong's own usage line
	flags any    // pointer to the struct of kong-tagged fields
	vars  kong.Vars
}

// parser builds the command's kong parser: help on out, values from the command line, then
// from the AGENTSTATE_* variables, then the defaults.
func (c command) parser(out io.Writer, getenv func(string) string) *kong.Kong {
	p, err := kong.New(c.flags,
		kong.Name("agentstate "+c.name),
		kong.Description(c.about),
		kong.Writers(out, io.Discard),
		kong.Exit(func(int) { panic(helpShown{}) }),
		kong.Resolvers(envResolver(getenv)),
		kong.ValueFormatter(envHelp),
		kong.ConfigureHelp(kong.HelpOptions{NoExpandSubcommands: true, WrapUpperBound: 100}),
		c.vars,
	)
	if err != nil {
		panic(fmt.Sprintf("agentstate %s: flags: %v", c.name, err)) // a mistake in the tags, not in the input
	}
	return p
}

// parse fills the command's flags from args and the environment. It returns errHelp when the
// help was asked for (and printed on out), and an error of one sentence for anything wrong.
func (c command) parse(args []string, out io.Writer, getenv func(string) string) (err error) {
	p := c.parser(out, getenv)
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(helpShown); !ok {
				panic(r)
			}
			err = errHelp
		}
	}()
	_, err = p.Parse(args)
	var envErr *envError
	if errors.As(err, &envErr) {
		return envErr
	}
	var countErr *countError
	if errors.As(err, &countErr) {
		return fmt.Errorf("%s: --cross-check %s: %v", c.name, countErr.value, countErr)
	}
	if err != nil {
		return fmt.Errorf("%s: %v", c.name, err)
	}
	return nil
}

// usageHint is the line after a usage error: where the flags are described.
func usageHint(name string) string {
	if name == "" {
		return "run 'agentstate --help' for the commands"
	}
	return fmt.Sprintf("run 'agentstate help %s' for its flags", name)
}
