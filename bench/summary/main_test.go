package main

import (
	"strings"
	"testing"

	"github.com/gomean/gomean/bench/internal/results"
)

func TestWrite(t *testing.T) {
	ss := []results.Summary{
		{Config: "gomean", Used: 3, All: 3, Wall: 2, CPU: 3.8, OutMB: 200},
		{Config: "gomean_1core", Used: 3, All: 3, Wall: 3.6, CPU: 3.5, OutMB: 200},
		{Config: "vrt_nt", Used: 3, All: 3, Wall: 5, CPU: 8, OutMB: 250},
	}
	tests := []struct {
		name, cores string
		floor       float64
		want        []string
		absent      []string
	}{
		{"ratios and scaling", "gomean_1core=1,gomean=2", 3.0,
			[]string{"| vrt_nt | 3/3 | 5.00", "0.40 (2.5x) | 0.800 |", "| gomean | 2 | 2.00 | 3.80 | 1.80 | 90 % | 1.50 | 1.33 |"}, nil},
		{"no scaling table with one core count", "gomean=2", 0,
			[]string{"| gomean | 3/3 | 2.00"}, []string{"Scaling"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			if err := write(&b, ss, "gomean", 2, tc.cores, tc.floor, 1); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, b.String())
				}
			}
			for _, a := range tc.absent {
				if strings.Contains(b.String(), a) {
					t.Errorf("output has %q:\n%s", a, b.String())
				}
			}
		})
	}
	var b strings.Builder
	if err := write(&b, ss, "gomean", 2, "gomean=x", 0, 1); err == nil {
		t.Error("bad -cores item: got nil error")
	}
}
