package requirements

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

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

// MaxExpressionSize is the longest CEL expression (applies_if or
// expression) a set may hold, in characters; the longest shipped one is
// about 100. Longer ones are refused before the parser reads them.
const MaxExpressionSize = 4096

// MaxExpressionDepth bounds how deeply an expression nests: parentheses,
// lists, calls, member selections and chains of one operator (a + b + c)
// each count a level. The parser stops at the first level past it, before
// anything is built from the expression.
const MaxExpressionDepth = 32

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
			cel.ParserExpressionSizeLimit(MaxExpressionSize),
			cel.ParserRecursionLimit(MaxExpressionDepth),
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

// limitError is an expression over a limit; it unwraps to ErrLimit.
type limitError string

func (e limitError) Error() string { return string(e) }

func (e limitError) Unwrap() error { return ErrLimit }

// Compile compiles one boolean CEL expression. An expression longer than
// MaxExpressionSize or nested deeper than MaxExpressionDepth is refused
// with an error naming the limit.
func Compile(src string) (*Program, error) {
	if n := utf8.RuneCountInString(src); n > MaxExpressionSize {
		return nil, limitError(fmt.Sprintf("the expression is %d characters long, more than the %d accepted; split the rule into several requirements", n, MaxExpressionSize))
	}
	env, err := Env()
	if err != nil {
		return nil, err
	}
	ast, iss := env.Compile(src)
	if iss.Err() != nil {
		msg := iss.Err().Error()
		if strings.Contains(msg, "recursion limit exceeded") || strings.Contains(msg, "max recursion depth exceeded") {
			return nil, limitError(fmt.Sprintf("the expression nests deeper than %d levels (parentheses, lists, calls, member selections and chains of one operator each count); simplify it", MaxExpressionDepth))
		}
		return nil, fmt.Errorf("%s", strings.ReplaceAll(msg, "\n", " "))
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
				if errors.Is(err, ErrLimit) {
					l.problems[len(l.problems)-1].Err = ErrLimit
				}
			}
			r.appliesIf = p
		}
		if r.Kind == KindExpression && r.Expression != "" {
			p, err := Compile(r.Expression)
			if err != nil {
				l.fail(l.line("requirements", i, "expression"), "requirement %s: expression does not compile: %v", r.ID, err)
				if errors.Is(err, ErrLimit) {
					l.problems[len(l.problems)-1].Err = ErrLimit
				}
			}
			r.program = p
		}
	}
}

// Condition returns the compiled applies_if, or nil when the requirement always applies.
func (r *Requirement) Condition() *Program { return r.appliesIf }

// Program returns the compiled expression of an expression requirement.
func (r *Requirement) Program() *Program { return r.program }
