package geotiff

// EPSGKeys returns the GeoKey directory for a CRS given by its EPSG code:
// GTModelType (1 projected, 2 geographic), GTRasterType 1 (PixelIsArea),
// and ProjectedCSTypeGeoKey or GeographicTypeGeoKey set to code, in a
// version 1.1.0 directory as GDAL writes.
//
// GDAL also writes citations (the CRS name) and units keys, which need the
// EPSG database; GDAL reads the CRS from the code alone, so these keys
// are left out (checked against GDAL 3.6 for EPSG:32633 and EPSG:4326:
// same WKT as a file written by gdal_translate -a_srs).
//
// It returns nil when code does not fit a GeoKey SHORT as an EPSG code
// (1 to 32766; 32767 means user-defined).
func EPSGKeys(code int, projected bool) *GeoKeyDirectory {
	if code < 1 || code >= UserDefined {
		return nil
	}
	model, key := uint16(ModelTypeGeographic), uint16(KeyGeographicType)
	if projected {
		model, key = ModelTypeProjected, KeyProjectedCSType
	}
	return &GeoKeyDirectory{
		Version: 1, KeyRevision: 1, MinorRevision: 0,
		Keys: []GeoKey{
			{ID: KeyGTModelType, Count: 1, Value: model},
			{ID: KeyGTRasterType, Count: 1, Value: RasterPixelIsArea},
			{ID: key, Count: 1, Value: uint16(code)},
		},
	}
}
