package sidecar

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// A wktNode is KEYWORD[...] in WKT 1 or 2: its keyword and its items, each
// a nested node, a quoted string or a bare token (number, enumeration).
type wktNode struct {
	keyword string
	items   []wktItem
}

// A wktItem is one item of a node: node != nil, or a string (quoted
// reports whether it was in quotes).
type wktItem struct {
	node   *wktNode
	text   string
	quoted bool
}

// maxWKTDepth bounds nesting; real CRSs nest fewer than 10 levels.
const maxWKTDepth = 64

type wktParser struct {
	s   string
	pos int
}

// parseWKT parses a WKT CRS; it wants exactly one root node.
func parseWKT(s string) (*wktNode, error) {
	p := &wktParser{s: s}
	p.space()
	n, err := p.node(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos != len(p.s) {
		return nil, fmt.Errorf("unexpected %q at offset %d after the root node", p.s[p.pos], p.pos)
	}
	return n, nil
}

func (p *wktParser) space() {
	for p.pos < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.pos]) >= 0 {
		p.pos++
	}
}

// bare reads a keyword or unquoted token.
func (p *wktParser) bare() string {
	start := p.pos
	for p.pos < len(p.s) && strings.IndexByte(",[]() \t\r\n\"", p.s[p.pos]) < 0 {
		p.pos++
	}
	return p.s[start:p.pos]
}

func (p *wktParser) node(depth int) (*wktNode, error) {
	if depth > maxWKTDepth {
		return nil, fmt.Errorf("nesting exceeds limit %d", maxWKTDepth)
	}
	kw := p.bare()
	if kw == "" || !isKeyword(kw) {
		return nil, fmt.Errorf("want a keyword at offset %d", p.pos)
	}
	p.space()
	if p.pos >= len(p.s) || (p.s[p.pos] != '[' && p.s[p.pos] != '(') {
		return nil, fmt.Errorf("want '[' after %s", kw)
	}
	closer := byte(']')
	if p.s[p.pos] == '(' {
		closer = ')'
	}
	p.pos++
	n := &wktNode{keyword: kw}
	for {
		p.space()
		it, err := p.item(depth)
		if err != nil {
			return nil, err
		}
		n.items = append(n.items, it)
		p.space()
		if p.pos >= len(p.s) {
			return nil, errors.New("unexpected end of text")
		}
		switch p.s[p.pos] {
		case ',':
			p.pos++
		case closer:
			p.pos++
			return n, nil
		default:
			return nil, fmt.Errorf("unexpected %q at offset %d", p.s[p.pos], p.pos)
		}
	}
}

func (p *wktParser) item(depth int) (wktItem, error) {
	if p.pos < len(p.s) && p.s[p.pos] == '"' {
		var b strings.Builder
		for p.pos++; p.pos < len(p.s); p.pos++ {
			c := p.s[p.pos]
			if c == '"' {
				if p.pos+1 < len(p.s) && p.s[p.pos+1] == '"' { // "" is a quote
					b.WriteByte('"')
					p.pos++
					continue
				}
				p.pos++
				return wktItem{text: b.String(), quoted: true}, nil
			}
			b.WriteByte(c)
		}
		return wktItem{}, errors.New("unterminated string")
	}
	start := p.pos
	tok := p.bare()
	p.space()
	if tok != "" && p.pos < len(p.s) && (p.s[p.pos] == '[' || p.s[p.pos] == '(') {
		p.pos = start
		n, err := p.node(depth + 1)
		return wktItem{node: n}, err
	}
	if tok == "" {
		return wktItem{}, fmt.Errorf("empty item at offset %d", start)
	}
	return wktItem{text: tok}, nil
}

func isKeyword(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || ('A' <= c && c <= 'Z') || ('a' <= c && c <= 'z') || (i > 0 && isDigit(c))) {
			return false
		}
	}
	return true
}

// crsKind classifies a WKT root.
type crsKind int

const (
	crsOther crsKind = iota
	crsProjected
	crsGeographic
)

// kind tells projected and geographic roots from the others (geocentric,
// vertical, compound, bound, engineering).
func (n *wktNode) kind() crsKind {
	switch strings.ToUpper(n.keyword) {
	case "PROJCS", "PROJCRS", "PROJECTEDCRS":
		return crsProjected
	case "GEOGCS", "GEOGCRS", "GEOGRAPHICCRS":
		return crsGeographic
	case "GEODCRS", "GEODETICCRS":
		// WKT2 geodetic: geographic with an ellipsoidal CS, else geocentric.
		if cs := n.child("CS"); cs != nil && len(cs.items) > 0 && strings.EqualFold(cs.items[0].text, "ellipsoidal") {
			return crsGeographic
		}
	}
	return crsOther
}

// child returns the first direct child node with the keyword (any case).
func (n *wktNode) child(keyword string) *wktNode {
	for _, it := range n.items {
		if it.node != nil && strings.EqualFold(it.node.keyword, keyword) {
			return it.node
		}
	}
	return nil
}

// epsg returns the EPSG code of a projected or geographic root: a direct
// AUTHORITY["EPSG","code"] (WKT1) or ID["EPSG",code] (WKT2) child; 0 when
// there is none or the root is of another kind.
func (n *wktNode) epsg() int {
	if n.kind() == crsOther {
		return 0
	}
	for _, it := range n.items {
		c := it.node
		if c == nil || len(c.items) < 2 || !(strings.EqualFold(c.keyword, "AUTHORITY") || strings.EqualFold(c.keyword, "ID")) {
			continue
		}
		if !strings.EqualFold(c.items[0].text, "EPSG") || c.items[1].node != nil {
			continue
		}
		code, err := strconv.ParseInt(c.items[1].text, 10, 32)
		if err == nil && code > 0 {
			return int(code)
		}
	}
	return 0
}

// axisMapping is GDAL's dataAxisToSRSAxisMapping for the traditional GIS
// order (x = easting or longitude first): "2,1" when the root's first AXIS
// points north or south, "1,2" when it points elsewhere, "" when the root
// has no AXIS (GDAL then applies the same order when it reads the file).
func (n *wktNode) axisMapping() string {
	var dirs []string
	for _, it := range n.items {
		if it.node == nil || !strings.EqualFold(it.node.keyword, "AXIS") {
			continue
		}
		dir := ""
		for _, a := range it.node.items[1:] {
			if a.node == nil && !a.quoted {
				dir = strings.ToUpper(a.text)
				break
			}
		}
		dirs = append(dirs, dir)
	}
	if len(dirs) < 2 {
		return ""
	}
	m := "1,2"
	if dirs[0] == "NORTH" || dirs[0] == "SOUTH" {
		m = "2,1"
	}
	for k := 3; k <= len(dirs); k++ {
		m += "," + strconv.Itoa(k)
	}
	return m
}
