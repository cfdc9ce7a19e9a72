package geotiff

import (
	"encoding/xml"
	"fmt"
	"reflect"
	"testing"
)

// xmlMetadata is the reflection-based reading and writing that
// ParseMetadata and FormatMetadata replace; the test checks they agree.
type xmlMetadata struct {
	XMLName xml.Name `xml:"GDALMetadata"`
	Items   []struct {
		Name   string `xml:"name,attr"`
		Sample string `xml:"sample,attr,omitempty"`
		Role   string `xml:"role,attr,omitempty"`
		Domain string `xml:"domain,attr,omitempty"`
		Value  string `xml:",chardata"`
	} `xml:"Item"`
}

func TestMetadataMatchesEncodingXML(t *testing.T) {
	docs := []string{
		`<GDALMetadata></GDALMetadata>`,
		`<GDALMetadata>
  <Item name="OFFSET" sample="0" role="offset">1.5</Item>
  <Item name="SCALE" sample="0" role="scale">0.01</Item>
  <Item name="AREA_OR_POINT">Point</Item>
  <Item name="J" domain="GOMEAN_SHARD">{"a":"&lt;b&gt; &amp; \"c\""}</Item>
</GDALMetadata>`,
		"<GDALMetadata><Item name=\"t\">a\tb\nc\r &#x1F600; <![CDATA[<raw>]]></Item><Other><Item name=\"nested\">x</Item></Other></GDALMetadata>",
		`<GDALMetadata><Item name="q" sample="1" role="description">it&apos;s "quoted" &amp;amp; twice</Item><Item name="empty"/></GDALMetadata>`,
	}
	for _, doc := range docs {
		var want xmlMetadata
		if err := xml.Unmarshal([]byte(doc), &want); err != nil {
			t.Fatal(err)
		}
		got, err := ParseMetadata(doc)
		if err != nil {
			t.Fatalf("%q: %v", doc, err)
		}
		if len(got) != len(want.Items) {
			t.Fatalf("%q: %d items, encoding/xml reads %d", doc, len(got), len(want.Items))
		}
		for i, it := range want.Items {
			w := MetadataItem{it.Name, it.Sample, it.Role, it.Domain, it.Value}
			if got[i] != w {
				t.Fatalf("%q: item %d = %+v, encoding/xml reads %+v", doc, i, got[i], w)
			}
		}
		b, err := xml.MarshalIndent(want, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if f := FormatMetadata(got); f != string(b) {
			t.Fatalf("FormatMetadata =\n%s\nencoding/xml writes\n%s", f, b)
		}
		again, err := ParseMetadata(FormatMetadata(got))
		if err != nil || !reflect.DeepEqual(again, got) && len(got) > 0 {
			t.Fatalf("round trip of %q: %+v, %v", doc, again, err)
		}
	}
}

func TestParseMetadataErrors(t *testing.T) {
	for _, doc := range []string{"", "   ", "<Other/>", "<GDALMetadata><Item name='a'>x</Item>", "<GDALMetadata><Item></GDALMetadata>", "not xml"} {
		if _, err := ParseMetadata(doc); err == nil {
			t.Errorf("ParseMetadata(%q): no error", doc)
		}
	}
}

func ExampleFormatMetadata() {
	items := []MetadataItem{{Name: "DESCRIPTION", Sample: "0", Role: "description", Value: "mean <2024>"}}
	fmt.Println(FormatMetadata(items))
	// Output:
	// <GDALMetadata>
	//   <Item name="DESCRIPTION" sample="0" role="description">mean &lt;2024&gt;</Item>
	// </GDALMetadata>
}
