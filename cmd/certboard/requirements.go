package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/certboard/certboard/requirements"
)

func runRequirements(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, "certboard requirements: say list, show ID|FILE.yaml or check FILE.yaml\n")
		return exitBadInput
	}
	switch args[0] {
	case "list":
		reg, err := requirements.Shipped()
		if err != nil {
			fmt.Fprintf(stderr, "certboard: the shipped requirement sets are broken:\n%v\n", err)
			return exitBadInput
		}
		for _, id := range reg.IDs() {
			for _, s := range reg.Versions(id) {
				fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\n", s.ID, s.Title, s.Version, s.EffectiveFrom)
			}
		}
		return exitOK
	case "show":
		if len(args) != 2 {
			fmt.Fprint(stderr, "certboard requirements show: give one set id (see certboard requirements list) or a FILE.yaml\n")
			return exitBadInput
		}
		if isYAML(args[1]) {
			s, err := loadSetFile(args[1])
			if err != nil {
				fmt.Fprintln(stderr, err)
				return exitBadInput
			}
			fmt.Fprint(stdout, requirements.Describe(s))
			return exitOK
		}
		reg, err := requirements.Shipped()
		if err != nil {
			fmt.Fprintf(stderr, "certboard: %v\n", err)
			return exitBadInput
		}
		s := reg.Latest(args[1])
		if s == nil {
			fmt.Fprintf(stderr, "certboard requirements show: no set has id %q; run 'certboard requirements list'\n", args[1])
			return exitBadInput
		}
		fmt.Fprint(stdout, requirements.Describe(s))
		return exitOK
	case "check":
		if len(args) != 2 {
			fmt.Fprint(stderr, "certboard requirements check: give one YAML file\n")
			return exitBadInput
		}
		s, err := loadSetFile(args[1])
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitBadInput
		}
		fmt.Fprintf(stdout, "%s: ok: %s %s (%s), %d requirements\n", args[1], s.ID, s.Version, s.Title, len(s.Requirements))
		return exitOK
	}
	fmt.Fprintf(stderr, "certboard requirements: unknown subcommand %q (list, show, check)\n", args[0])
	return exitBadInput
}

func loadSetFile(name string) (*requirements.Set, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read: %v", name, unwrapPath(err))
	}
	return requirements.Parse(name, data)
}

// unwrapPath drops the path os errors repeat, since messages already name the file.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

func isYAML(name string) bool {
	name = strings.ToLower(name)
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}
