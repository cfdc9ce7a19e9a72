package compute

import (
	"encoding/xml"
	"strconv"
	"strings"
)

// gdalMetadata is the XML of the GDAL_METADATA tag (42112).
type gdalMetadata struct {
	XMLName xml.Name   `xml:"GDALMetadata"`
	Items   []metaItem `xml:"Item"`
}

type metaItem struct {
	Name   string `xml:"name,attr"`
	Sample string `xml:"sample,attr,omitempty"`
	Role   string `xml:"role,attr,omitempty"`
	Domain string `xml:"domain,attr,omitempty"`
	Value  string `xml:",chardata"`
}

// outputMetadata returns the GDAL_METADATA of the first input that applies
// to the output: dataset items and the items of the selected bands,
// renumbered to output bands, without statistics (they describe the input
// values) and without scale and offset where the reduction does not
// commute with them (sum, count, std). It returns "" when nothing is left
// or the XML does not parse.
func outputMetadata(xmlText string, bands []int, op Op) string {
	if strings.TrimSpace(xmlText) == "" {
		return ""
	}
	var in gdalMetadata
	if err := xml.Unmarshal([]byte(xmlText), &in); err != nil {
		return ""
	}
	linear := op == Mean || op == Min || op == Max || op == Median || op == Percentile || op == Mode
	var out gdalMetadata
	for _, it := range in.Items {
		if strings.HasPrefix(it.Name, "STATISTICS_") {
			continue
		}
		if (it.Role == "scale" || it.Role == "offset") && !linear {
			continue
		}
		if it.Sample == "" {
			out.Items = append(out.Items, it)
			continue
		}
		s, err := strconv.Atoi(it.Sample)
		if err != nil {
			continue
		}
		for j, b := range bands {
			if b == s {
				c := it
				c.Sample = strconv.Itoa(j)
				out.Items = append(out.Items, c)
			}
		}
	}
	if len(out.Items) == 0 {
		return ""
	}
	b, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return ""
	}
	return string(b)
}
