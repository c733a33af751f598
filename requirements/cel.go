package requirements

import (
	"fmt"
	"strings"
	"sync"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/ext"
)

// CEL is the escape hatch for a rule that fits no requirement kind. An
// expression sees two variables: portfolio, the portfolio as its JSON
// interchange form (a map), and as_of, the evaluation date as a timestamp.
// Dates in the portfolio are strings; date("2024-05-01") turns one into a
// timestamp, and add_months(t, n) moves a timestamp's calendar day by n months
// (clamping to the month's last day), so "12 months as a member" is
// add_months(date(m.from), 12) <= as_of. The extension libraries for strings
// and lists are loaded.

// celCostLimit bounds the work one expression may do on one portfolio.
const celCostLimit = 1_000_000

var (
	celEnvOnce sync.Once
	celEnv     *cel.Env
	celEnvErr  error
)

// Env returns the CEL environment expressions are compiled in.
func Env() (*cel.Env, error) {
	celEnvOnce.Do(func() {
		celEnv, celEnvErr = cel.NewEnv(
			cel.Variable("portfolio", cel.MapType(cel.StringType, cel.DynType)),
			cel.Variable("as_of", cel.TimestampType),
			ext.Strings(),
			ext.Lists(),
			cel.Function("date",
				cel.Overload("date_string", []*cel.Type{cel.StringType}, cel.TimestampType,
					cel.UnaryBinding(celDate))),
			cel.Function("add_months",
				cel.Overload("add_months_timestamp_int", []*cel.Type{cel.TimestampType, cel.IntType}, cel.TimestampType,
					cel.BinaryBinding(celAddMonths))),
		)
	})
	return celEnv, celEnvErr
}

// Program is a compiled CEL condition.
type Program struct {
	Source string
	prg    cel.Program
}

// Eval runs the condition on the given activation (portfolio and as_of).
func (p *Program) Eval(vars map[string]any) (bool, error) {
	out, _, err := p.prg.Eval(vars)
	if err != nil {
		return false, err
	}
	b, ok := out.Value().(bool)
	if !ok {
		return false, fmt.Errorf("expression gave %v, not true or false", out.Value())
	}
	return b, nil
}

// Compile compiles one boolean CEL expression.
func Compile(src string) (*Program, error) {
	env, err := Env()
	if err != nil {
		return nil, err
	}
	ast, iss := env.Compile(src)
	if iss.Err() != nil {
		return nil, fmt.Errorf("%s", strings.ReplaceAll(iss.Err().Error(), "\n", " "))
	}
	if t := ast.OutputType(); !t.IsExactType(cel.BoolType) && !t.IsExactType(cel.DynType) {
		return nil, fmt.Errorf("the expression gives %s; it must give true or false", t)
	}
	prg, err := env.Program(ast, cel.CostLimit(celCostLimit))
	if err != nil {
		return nil, err
	}
	return &Program{Source: src, prg: prg}, nil
}

// compileExpressions compiles every expression and applies_if of the set,
// reporting errors at the line of the expression.
func (l *loader) compileExpressions(s *Set) {
	for i, r := range s.Requirements {
		if r == nil {
			continue
		}
		if r.AppliesIf != "" {
			p, err := Compile(r.AppliesIf)
			if err != nil {
				l.fail(l.line("requirements", i, "applies_if"), "requirement %s: applies_if does not compile: %v", r.ID, err)
			}
			r.appliesIf = p
		}
		if r.Kind == KindExpression && r.Expression != "" {
			p, err := Compile(r.Expression)
			if err != nil {
				l.fail(l.line("requirements", i, "expression"), "requirement %s: expression does not compile: %v", r.ID, err)
			}
			r.program = p
		}
	}
}

// Condition returns the compiled applies_if, or nil when the requirement always applies.
func (r *Requirement) Condition() *Program { return r.appliesIf }

// Program returns the compiled expression of an expression requirement.
func (r *Requirement) Program() *Program { return r.program }
