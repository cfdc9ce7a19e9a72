package compute

import (
	"strconv"
	"strings"

	"github.com/gomean/gomean/geotiff"
)

// gdalMetadata is the XML of the GDAL_METADATA tag (42112): its items.
type gdalMetadata struct {
	Items []metaItem
}

type metaItem = geotiff.MetadataItem

// parse reads GDAL_METADATA text into md; "" leaves md empty.
func (md *gdalMetadata) parse(text string) error {
	md.Items = nil
	if strings.TrimSpace(text) == "" {
		return nil
	}
	items, err := geotiff.ParseMetadata(text)
	md.Items = items
	return err
}

// String returns md as GDAL_METADATA text.
func (md gdalMetadata) String() string { return geotiff.FormatMetadata(md.Items) }

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
	if err := in.parse(xmlText); err != nil {
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
	return out.String()
}
