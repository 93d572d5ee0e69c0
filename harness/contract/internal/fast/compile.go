package fast

import (
	"fmt"
	"math/big"
	"reflect"
	"regexp"
	"slices"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// fastNode is one schema compiled for the fast path.
type fastNode struct {
	anything bool  // a true schema, or one with no assertions: any JSON value
	types    uint8 // allowed JSON types (typeBit); 0 allows every type

	strs           []string // const or enum: the allowed strings; nil when neither is set
	minLen, maxLen int      // in characters; -1 when unset
	pattern        *regexp.Regexp

	min, max       int64
	hasMin, hasMax bool

	names    []string // properties, then required names that are not properties
	buckets  [nameBuckets][]uint8
	props    []*fastNode
	nprops   int    // how many of names are properties
	required uint64 // bit i: names[i] is required
	addl     addlKind
	addlNode *fastNode
}

type addlKind uint8

const (
	addlAny    addlKind = iota // no additionalProperties: members outside properties are free
	addlNone                   // additionalProperties: false
	addlSchema                 // members outside properties must match addlNode
)

const (
	tNull uint8 = 1 << iota
	tBoolean
	tObject
	tArray
	tNumber
	tInteger
	tString
)

var typeBit = map[string]uint8{
	"null": tNull, "boolean": tBoolean, "object": tObject, "array": tArray,
	"number": tNumber, "integer": tInteger, "string": tString,
}

// maxNames bounds the properties of one object schema the fast path handles (a bit each).
const maxNames = 64

// nameBuckets is the size of each object node's table of names, hashed by nameHash.
const nameBuckets = 64

func nameHash(name []byte) int {
	if len(name) == 0 {
		return 0
	}
	return (len(name)*31 + int(name[0])*7 + int(name[len(name)-1])) & (nameBuckets - 1)
}

// fastCompiler compiles v5 schemas into fast nodes, once each, following cycles. The events of a
// set share it, so that a definition they all use (such as DN) is one node.
type fastCompiler struct {
	done  map[*jsonschema.Schema]*fastNode
	trail []*jsonschema.Schema // the schemas compiled for the event being compiled
}

func newFastCompiler() *fastCompiler {
	return &fastCompiler{done: map[*jsonschema.Schema]*fastNode{}}
}

// event returns the fast path of an event schema, or an error naming what it lacks. On an error,
// every node compiled for the event is forgotten: a node that refers to one that failed is
// unfinished, and must not serve another event.
func (c *fastCompiler) event(sch *jsonschema.Schema) (*fastNode, error) {
	c.trail = c.trail[:0]
	n, err := c.node(sch)
	if err != nil {
		for _, s := range c.trail {
			delete(c.done, s)
		}
	}
	return n, err
}

func (c *fastCompiler) node(s *jsonschema.Schema) (*fastNode, error) {
	if n, ok := c.done[s]; ok {
		return n, nil
	}
	c.trail = append(c.trail, s)
	if err := onlyKnownKeywords(s); err != nil {
		return nil, fmt.Errorf("%s: %w", s.Location, err)
	}
	if s.Ref != nil {
		if hasAssertions(s) {
			return nil, fmt.Errorf("%s: $ref beside other assertions is left to jsonschema/v5", s.Location)
		}
		n, err := c.node(s.Ref)
		c.done[s] = n
		return n, err
	}
	n := &fastNode{minLen: s.MinLength, maxLen: s.MaxLength, pattern: s.Pattern}
	c.done[s] = n
	if s.Always != nil {
		if !*s.Always {
			return nil, fmt.Errorf("%s: a false schema never passes", s.Location)
		}
		n.anything = true
		return n, nil
	}
	n.anything = !hasAssertions(s)
	for _, t := range s.Types {
		n.types |= typeBit[t]
	}
	if err := n.setValues(s); err != nil {
		return nil, fmt.Errorf("%s: %w", s.Location, err)
	}
	if err := n.setBounds(s); err != nil {
		return nil, fmt.Errorf("%s: %w", s.Location, err)
	}
	return n, c.setObject(n, s)
}

// setValues compiles const and enum, when every value they allow is a string.
func (n *fastNode) setValues(s *jsonschema.Schema) error {
	var vals []any
	switch {
	case s.Constant != nil && s.Enum != nil:
		return fmt.Errorf("const beside enum is left to jsonschema/v5")
	case s.Constant != nil:
		vals = s.Constant[:1]
	case s.Enum != nil:
		vals = s.Enum
	default:
		return nil
	}
	n.strs = make([]string, 0, len(vals))
	for _, v := range vals {
		str, ok := v.(string)
		if !ok {
			return fmt.Errorf("a const or enum value that is not a string (%v) is left to jsonschema/v5", v)
		}
		n.strs = append(n.strs, str)
	}
	return nil
}

// setBounds compiles minimum and maximum when they are integers an int64 holds.
func (n *fastNode) setBounds(s *jsonschema.Schema) error {
	var err error
	if s.Minimum != nil {
		n.hasMin = true
		n.min, err = int64Of(s.Minimum)
	}
	if err == nil && s.Maximum != nil {
		n.hasMax = true
		n.max, err = int64Of(s.Maximum)
	}
	return err
}

func int64Of(r *big.Rat) (int64, error) {
	if !r.IsInt() || !r.Num().IsInt64() {
		return 0, fmt.Errorf("bound %s is not an int64; left to jsonschema/v5", r.RatString())
	}
	return r.Num().Int64(), nil
}

func (c *fastCompiler) setObject(n *fastNode, s *jsonschema.Schema) error {
	for name := range s.Properties {
		n.names = append(n.names, name)
	}
	slices.Sort(n.names)
	n.nprops = len(n.names)
	for _, name := range s.Required {
		if _, ok := s.Properties[name]; !ok {
			n.names = append(n.names, name)
		}
	}
	if len(n.names) > maxNames {
		return fmt.Errorf("%s: more than %d properties are left to jsonschema/v5", s.Location, maxNames)
	}
	for i, name := range n.names {
		if slices.Contains(s.Required, name) {
			n.required |= 1 << i
		}
		h := nameHash([]byte(name))
		n.buckets[h] = append(n.buckets[h], uint8(i))
	}
	for _, name := range n.names[:n.nprops] {
		p, err := c.node(s.Properties[name])
		if err != nil {
			return err
		}
		n.props = append(n.props, p)
	}
	switch a := s.AdditionalProperties.(type) {
	case nil:
		n.addl = addlAny
	case bool:
		n.addl = addlAny
		if !a {
			n.addl = addlNone
		}
	case *jsonschema.Schema:
		n.addl = addlSchema
		var err error
		n.addlNode, err = c.node(a)
		return err
	default:
		return fmt.Errorf("%s: additionalProperties of type %T is left to jsonschema/v5", s.Location, a)
	}
	return nil
}

// hasAssertions says whether a schema asserts anything of its own (beside $ref).
func hasAssertions(s *jsonschema.Schema) bool {
	return s.Always != nil || len(s.Types) > 0 || s.Constant != nil || s.Enum != nil ||
		s.MinLength != -1 || s.MaxLength != -1 || s.Pattern != nil ||
		s.Minimum != nil || s.Maximum != nil ||
		len(s.Required) > 0 || s.Properties != nil || s.AdditionalProperties != nil
}

// fastFields are the fields of jsonschema.Schema the fast path implements or that assert nothing
// (annotations and bookkeeping); each other field must hold its "not specified" value, or the
// schema is left to v5. Reading every field by reflection means that a keyword the fast path
// has never heard of, in a schema passed with --schemas or in a later v5, turns it off rather
// than being ignored.
var fastFields = map[string]bool{
	"Location": true, "Draft": true, "meta": true, "vocab": true, "enumError": true,
	"Title": true, "Description": true, "Default": true, "Comment": true, "ReadOnly": true,
	"WriteOnly": true, "Examples": true, "Deprecated": true,
	"ContainsEval": true, // says how contains annotates; Contains itself must be unset
	"Ref":          true, "Always": true, "Types": true, "Constant": true, "Enum": true,
	"MinLength": true, "MaxLength": true, "Pattern": true, "Minimum": true, "Maximum": true,
	"Required": true, "Properties": true, "AdditionalProperties": true,
}

// unset gives the "not specified" value of the fields where v5 does not use the zero value.
var unset = map[string]int64{
	"MinProperties": -1, "MaxProperties": -1, "MinItems": -1, "MaxItems": -1,
	"MinContains": 1, "MaxContains": -1,
}

func onlyKnownKeywords(s *jsonschema.Schema) error {
	v := reflect.ValueOf(s).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		name := t.Field(i).Name
		if fastFields[name] {
			continue
		}
		f := v.Field(i)
		if want, ok := unset[name]; ok && f.CanInt() {
			if f.Int() != want {
				return fmt.Errorf("keyword %s is left to jsonschema/v5", name)
			}
			continue
		}
		if !f.IsZero() {
			return fmt.Errorf("keyword %s is left to jsonschema/v5", name)
		}
	}
	return nil
}
