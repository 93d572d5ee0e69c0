package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// flagCommands are the commands with flags, each with an empty set of its flags: completion
// lists what their kong models hold, so a new flag completes without a line here.
func flagCommands() []command {
	return []command{
		verifyCommand(&verifyFlags{}),
		{name: "observe", about: observeUsage, flags: &observeFlags{}, vars: observeVars("", "0s")},
		{name: "broker", about: brokerUsage, flags: &brokerFlags{}, vars: brokerVars(1, "")},
		{name: "merge", about: mergeUsage, flags: &mergeFlags{}},
		{name: "diff", about: diffUsage, flags: &diffFlags{}},
		{name: "schemas diff", about: schemasDiffUsage, flags: &schemasDiffFlags{}},
	}
}

// flagNames are the --flags of a command, sorted, --help among them.
func (c command) flagNames() []string {
	p := c.parser(io.Discard, func(string) string { return "" })
	var names []string
	for _, f := range p.Model.Flags {
		if !f.Hidden {
			names = append(names, "--"+f.Name)
		}
	}
	sort.Strings(names)
	return names
}

// runCompletion is 'agentstate completion bash|zsh': a script to source, which completes the
// commands and each command's flags (and file names after them).
func runCompletion(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || (args[0] != "bash" && args[0] != "zsh") {
		complain(stderr, "completion: expected one shell, bash or zsh; e.g. source <(agentstate completion bash)")
		return exitUsage
	}
	fmt.Fprint(stdout, completionScript(args[0]))
	return exitPass
}

// completionScript is a bash completion function; zsh runs it through bashcompinit.
func completionScript(shell string) string {
	var b strings.Builder
	if shell == "zsh" {
		b.WriteString("#compdef agentstate\nautoload -U +X bashcompinit && bashcompinit\n")
	}
	b.WriteString("# agentstate completion for " + shell + ": source <(agentstate completion " + shell + ")\n")
	b.WriteString("_agentstate() {\n  local cur=${COMP_WORDS[COMP_CWORD]} flags=\n")
	b.WriteString("  if [ \"$COMP_CWORD\" -eq 1 ]; then\n")
	fmt.Fprintf(&b, "    COMPREPLY=($(compgen -W '%s --help --version' -- \"$cur\")); return\n  fi\n", strings.Join(commands, " "))
	b.WriteString("  case ${COMP_WORDS[1]} in\n")
	for _, c := range flagCommands() {
		fmt.Fprintf(&b, "    %s) flags='%s' ;;\n", strings.Fields(c.name)[0], strings.Join(c.flagNames(), " "))
	}
	b.WriteString("    completion) COMPREPLY=($(compgen -W 'bash zsh' -- \"$cur\")); return ;;\n")
	fmt.Fprintf(&b, "    help) COMPREPLY=($(compgen -W '%s' -- \"$cur\")); return ;;\n", strings.Join(commands, " "))
	b.WriteString("  esac\n")
	b.WriteString("  case $cur in\n    -*) COMPREPLY=($(compgen -W \"$flags\" -- \"$cur\")) ;;\n    *) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n  esac\n}\n")
	b.WriteString("complete -F _agentstate agentstate\n")
	return b.String()
}
