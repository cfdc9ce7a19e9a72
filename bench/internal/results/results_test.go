package results

import (
	"strings"
	"testing"
)

const sample = "config\trun\twall_s\tuser_s\tsys_s\tcpu_pct\tmaxrss_kb\tout_bytes\tbg_busy_pct\tother_cpu_s\n" +
	"a\t1\t2.00\t3.00\t1.00\t200\t1024\t1000000\t3\t0.00\n" +
	"b\t1\t9.00\t9.00\t0.00\t100\t2048\t3000000\t3\t0.00\n" +
	"a\t2\t4.00\t5.00\t1.00\t150\t3072\t1000000\t3\t5.00\n" +
	"a\t3\t3.00\t4.00\t1.00\t160\t2048\t1000000\t3\t0.10\n" +
	"a\t4\t1.00\t2.00\t1.00\t160\t2048\t1000000\t3\t0.20\n"

func TestSummarize(t *testing.T) {
	runs, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 5 {
		t.Fatalf("got %d runs, want 5", len(runs))
	}
	tests := []struct {
		name      string
		clean     float64
		config    string
		used, all int
		wall, cpu float64
		rss       float64
	}{
		{"clean runs only", 1.0, "a", 3, 4, 2.0, 4.0, 2.0},
		{"all runs when fewer than 3 are clean", 0.05, "a", 4, 4, 2.5, 4.5, 2.0},
		{"single run", 1.0, "b", 1, 1, 9.0, 9.0, 2.0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, ok := Find(Summarize(runs, tc.clean), tc.config)
			if !ok {
				t.Fatalf("no summary for %s", tc.config)
			}
			if s.Used != tc.used || s.All != tc.all || s.Wall != tc.wall || s.CPU != tc.cpu || s.MaxRSSMiB != tc.rss {
				t.Errorf("got used %d/%d wall %v cpu %v rss %v, want %d/%d %v %v %v",
					s.Used, s.All, s.Wall, s.CPU, s.MaxRSSMiB, tc.used, tc.all, tc.wall, tc.cpu, tc.rss)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in string }{
		{"empty", ""},
		{"missing column", "config\trun\n"},
		{"bad number", "config\trun\twall_s\tuser_s\tsys_s\tmaxrss_kb\tout_bytes\tother_cpu_s\na\t1\tx\t1\t1\t1\t1\t0\n"},
		{"short row", "config\trun\twall_s\tuser_s\tsys_s\tmaxrss_kb\tout_bytes\tother_cpu_s\na\t1\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Parse(strings.NewReader(tc.in)); err == nil {
				t.Error("got nil error")
			}
		})
	}
}
