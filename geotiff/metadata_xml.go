package geotiff

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MetadataItem is one <Item> of GDAL's metadata XML, the text of the
// GDAL_METADATA tag (42112) and of PAM's <Metadata> lists. Sample is the
// 0-based band as text ("" for the dataset); Role is "" for plain metadata
// or what GDAL maps the item to (description, offset, scale, unittype,
// colorinterp); Domain is "" for the default domain.
type MetadataItem struct {
	Name, Sample, Role, Domain, Value string
}

// ParseMetadata returns the <Item> children of a <GDALMetadata> document,
// in order. An item's Value is its character data (entities decoded once,
// as an XML reader does; GDAL escapes some values a second time, which the
// caller may undo). Other elements are skipped. It reads the tokens of the
// document only, without reflection, and stops at the end of the root.
func ParseMetadata(text string) ([]MetadataItem, error) {
	d := xml.NewDecoder(strings.NewReader(text))
	var (
		items []MetadataItem
		depth int
		in    bool // inside an <Item> child of the root
		value strings.Builder
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil, errors.New("GDAL metadata: no <GDALMetadata> element")
		}
		if err != nil {
			return nil, fmt.Errorf("GDAL metadata: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 1 && t.Name.Local != "GDALMetadata":
				return nil, fmt.Errorf("GDAL metadata: root element <%s>, want <GDALMetadata>", t.Name.Local)
			case depth == 2 && t.Name.Local == "Item":
				it := MetadataItem{}
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "name":
						it.Name = a.Value
					case "sample":
						it.Sample = a.Value
					case "role":
						it.Role = a.Value
					case "domain":
						it.Domain = a.Value
					}
				}
				items = append(items, it)
				in = true
				value.Reset()
			}
		case xml.EndElement:
			if depth == 2 && in {
				items[len(items)-1].Value = value.String()
				in = false
			}
			depth--
			if depth == 0 {
				if items == nil {
					items = []MetadataItem{}
				}
				return items, nil
			}
		case xml.CharData:
			if depth == 2 && in {
				value.Write(t)
			}
		}
	}
}

// FormatMetadata writes items as a <GDALMetadata> document, one item a
// line indented by two spaces, attributes in the order name, sample, role,
// domain (empty ones left out, except name), text and attributes escaped
// as encoding/xml escapes them.
func FormatMetadata(items []MetadataItem) string {
	var b bytes.Buffer
	b.WriteString("<GDALMetadata>")
	attr := func(name, v string, always bool) {
		if v == "" && !always {
			return
		}
		b.WriteString(" " + name + `="`)
		_ = xml.EscapeText(&b, []byte(v))
		b.WriteByte('"')
	}
	for _, it := range items {
		b.WriteString("\n  <Item")
		attr("name", it.Name, true)
		attr("sample", it.Sample, false)
		attr("role", it.Role, false)
		attr("domain", it.Domain, false)
		b.WriteByte('>')
		_ = xml.EscapeText(&b, []byte(it.Value))
		b.WriteString("</Item>")
	}
	if len(items) > 0 {
		b.WriteByte('\n')
	}
	b.WriteString("</GDALMetadata>")
	return b.String()
}
