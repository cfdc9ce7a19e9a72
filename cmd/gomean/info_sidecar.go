package main

import (
	"context"

	"github.com/gomean/gomean/geotiff"
	"github.com/gomean/gomean/sidecar"
)

// applySidecars overlays what GDAL reads from FILE.aux.xml and world
// files onto a copy of im, as gdalinfo shows it: a PAM geotransform, CRS
// and band nodata win over the TIFF's tags, and a world file counts only
// without either geotransform. It returns the copy, the sidecar's info
// (nil without sidecars) and the WKT of a CRS that has no EPSG code.
func applySidecars(name string, im *geotiff.Image) (*geotiff.Image, *sidecar.Info, string) {
	info, err := readSidecars(context.Background(), name, im.Geo.HasTransform)
	if err != nil || info == nil {
		return im, nil, ""
	}
	cp := *im
	wkt := ""
	if info.HasTransform && (info.TransformIsPAM() || !cp.Geo.HasTransform) {
		cp.Geo.HasTransform, cp.Geo.Transform, cp.Geo.TiePoints = true, geotiff.GeoTransform(info.Transform), nil
	}
	if info.SRS != "" {
		if info.EPSG != 0 {
			cp.Geo.Keys = geotiff.EPSGKeys(info.EPSG, info.Projected)
		} else {
			cp.Geo.Keys, wkt = nil, info.SRS
		}
	}
	return &cp, info, wkt
}

// addSidecarInfo records the sidecar files, per-band nodata and metadata
// of info in f.
func (f *fileInfo) addSidecarInfo(im *geotiff.Image, info *sidecar.Info) {
	if info == nil {
		return
	}
	f.Files = append(f.Files, info.Files...)
	for k, v := range info.Metadata {
		if f.Metadata[""] == nil {
			f.Metadata[""] = map[string]string{}
		}
		f.Metadata[""][k] = v
		f.Items = append(f.Items, metaItem{Name: k, Value: v, Sample: -1})
	}
	for b := range min(len(info.Bands), len(f.Bands)) {
		sb := info.Bands[b]
		if sb.HasNoData {
			f.Bands[b].NoData = noDataJSON(sb.NoData, sb.NoDataText, im.Type)
		}
		for k, v := range sb.Metadata {
			if f.Bands[b].Metadata[""] == nil {
				f.Bands[b].Metadata[""] = map[string]string{}
			}
			f.Bands[b].Metadata[""][k] = v
			f.Items = append(f.Items, metaItem{Name: k, Value: v, Sample: b})
		}
	}
}
