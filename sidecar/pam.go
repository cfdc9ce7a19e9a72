package sidecar

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"io"
	"math"
	"strings"
)

// An xmlNode is an element of a PAM file: the parts GDAL's CPLXMLNode
// tree keeps that matter here.
type xmlNode struct {
	name     string
	attrs    []xml.Attr
	children []*xmlNode
	text     string // concatenated character data
	mixed    bool   // has element, comment or processing-instruction children
}

// parseXML returns the first top-level element of b. ok is false, with a
// reason, when b is not well-formed or, like GDAL, when its first node is
// not an element (an XML declaration or a comment): GDAL then reads nothing.
func parseXML(b []byte) (root *xmlNode, reason string) {
	d := xml.NewDecoder(bytes.NewReader(b))
	var stack []*xmlNode
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, "not well-formed XML: " + err.Error()
		}
		if len(stack) == 0 && root != nil {
			continue // GDAL ignores what follows the first element
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &xmlNode{name: t.Name.Local, attrs: t.Attr}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
				p.mixed = true
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			}
		case xml.Comment, xml.ProcInst, xml.Directive:
			if len(stack) > 0 {
				stack[len(stack)-1].mixed = true
			} else if root == nil {
				return nil, "starts with an XML declaration or comment, which GDAL reads nothing from"
			}
		}
	}
	if root == nil {
		return nil, "no XML element"
	}
	return root, ""
}

// child returns the first child element named name (any case).
func (n *xmlNode) child(name string) *xmlNode {
	for _, c := range n.children {
		if strings.EqualFold(c.name, name) {
			return c
		}
	}
	return nil
}

// attr returns the value of attribute name (any case).
func (n *xmlNode) attr(name string) (string, bool) {
	for _, a := range n.attrs {
		if strings.EqualFold(a.Name.Local, name) {
			return a.Value, true
		}
	}
	return "", false
}

// value is GDAL's CPLGetXMLValue of an element: its text when it holds
// only non-blank text.
func (n *xmlNode) value() (string, bool) {
	if n == nil || n.mixed || strings.TrimSpace(n.text) == "" {
		return "", false
	}
	return n.text, true
}

// childValue is the value of the first child element named name.
func (n *xmlNode) childValue(name string) (string, bool) { return n.child(name).value() }

// readPAM reads the PAM file aux, which get fetches, into i.
func (i *Info) readPAM(aux string, get Fetch) error {
	b, err := readSmall(get, aux, maxAuxBytes)
	if err != nil || b == nil {
		return err
	}
	i.parsePAM(aux, b)
	return nil
}

// parsePAM reads the content b of the PAM file aux into i.
func (i *Info) parsePAM(aux string, b []byte) {
	root, reason := parseXML(b)
	if root == nil {
		i.warnf("%s: ignored: %s", aux, reason)
		return
	}
	i.Files = append(i.Files, aux)
	if s, ok := root.childValue("SRS"); ok {
		i.setSRS(strings.TrimSpace(s), aux)
	}
	if s, ok := root.childValue("GeoTransform"); ok {
		if t, ok := parseGeoTransform(s); ok {
			i.HasTransform, i.Transform, i.TransformFrom = true, t, aux
		} else {
			i.warnf("%s: GeoTransform ignored: want 6 comma-separated values, got %q", aux, s)
		}
	}
	i.Metadata = readMetadata(root, i.Metadata)
	for _, c := range root.children {
		if strings.EqualFold(c.name, "PAMRasterBand") {
			i.readBand(c)
		}
	}
}

// setSRS stores the CRS text and what its WKT root says.
func (i *Info) setSRS(s, from string) {
	i.SRS = s
	w, err := parseWKT(s)
	if err != nil {
		i.warnf("%s: SRS is not WKT (%v); EPSG code not derived", from, err)
		return
	}
	i.EPSG, i.Projected = w.epsg(), w.kind() == crsProjected
}

// parseGeoTransform splits s at commas, dropping empty tokens as GDAL's
// tokenizer does, and wants six numbers.
func parseGeoTransform(s string) ([6]float64, bool) {
	var t [6]float64
	n := 0
	for _, tok := range strings.Split(s, ",") {
		if tok == "" {
			continue
		}
		if n == 6 {
			return t, false
		}
		t[n] = atof(tok)
		n++
	}
	return t, n == 6
}

// readBand applies a PAMRasterBand element; a later element for the same
// band overrides what it sets, as in GDAL.
func (i *Info) readBand(n *xmlNode) {
	s, ok := n.attr("band")
	if !ok {
		s, _ = n.childValue("band")
	}
	num := atoi(s)
	if num < 1 || num > maxBands {
		return
	}
	if len(i.Bands) < num {
		i.Bands = append(i.Bands, make([]Band, num-len(i.Bands))...)
	}
	b := &i.Bands[num-1]
	b.Metadata = readMetadata(n, b.Metadata)
	if nd := n.child("NoDataValue"); nd != nil {
		if text, ok := nd.value(); ok {
			b.HasNoData, b.NoData, b.NoDataText = true, noDataValue(nd, text), text
		}
	}
	if s, ok := n.childValue("ColorInterp"); ok {
		b.ColorInterp = s
	}
}

// noDataValue is text as a number, or the exact double of the
// le_hex_equiv attribute when it holds 8 bytes (a non-hex digit counts as
// 0, as in GDAL's CPLHexToBinary).
func noDataValue(nd *xmlNode, text string) float64 {
	h, ok := nd.attr("le_hex_equiv")
	if !ok || len(h)/2 != 8 {
		return atof(text)
	}
	var raw [8]byte
	for k := range raw {
		raw[k] = hexNibble(h[2*k])<<4 | hexNibble(h[2*k+1])
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(raw[:]))
}

func hexNibble(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10
	}
	return 0
}

// readMetadata merges the default-domain <Metadata> items of n into md: a
// <MDI> whose first attribute is the key and whose text is the value;
// items without text are skipped, as GDAL skips them.
func readMetadata(n *xmlNode, md map[string]string) map[string]string {
	for _, m := range n.children {
		if !strings.EqualFold(m.name, "Metadata") {
			continue
		}
		if d, _ := m.attr("domain"); d != "" {
			continue
		}
		if f, _ := m.attr("format"); strings.EqualFold(f, "xml") || strings.EqualFold(f, "json") {
			continue
		}
		for _, mdi := range m.children {
			if !strings.EqualFold(mdi.name, "MDI") || len(mdi.attrs) == 0 || mdi.mixed || mdi.text == "" {
				continue
			}
			if md == nil {
				md = make(map[string]string)
			}
			md[mdi.attrs[0].Value] = mdi.text
		}
	}
	return md
}
