package sidecar

type Band struct {
	HasNoData   bool
	NoData      float64
	NoDataText  string
	ColorInterp string
	Metadata    map[string]string
}
type Info struct {
	HasTransform  bool
	Transform     [6]float64
	TransformFrom string
	SRS           string
	EPSG          int
	Projected     bool
	Bands         []Band
	Metadata      map[string]string
	Files         []string
}

func Read(path string) (*Info, error)       { return nil, nil }
func WriteAux(path string, info *Info) error { return nil }
