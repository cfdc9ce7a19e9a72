package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomean/gomean/remote"
)

// expandInputs turns the positional arguments into input paths: @FILE
// reads one path per line from FILE (blank lines and lines starting with
// # are skipped), and an argument with glob characters that names no file
// is expanded with filepath.Glob (for shells that do not, or quoted
// patterns). Remote inputs (URLs, /vsicurl/, /vsis3/) are kept as given:
// globs stay local. Paths are kept in order.
func expandInputs(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		if list, ok := strings.CutPrefix(a, "@"); ok {
			paths, err := readList(list)
			if err != nil {
				return nil, err
			}
			for _, p := range paths {
				exp, err := expandGlob(p, list)
				if err != nil {
					return nil, err
				}
				out = append(out, exp...)
			}
			continue
		}
		exp, err := expandGlob(a, "")
		if err != nil {
			return nil, err
		}
		out = append(out, exp...)
	}
	return out, nil
}

func readList(name string) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, usagef("input list: %w: give @FILE with one input path per line", err)
	}
	defer f.Close()
	var paths []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		paths = append(paths, line)
	}
	if err := sc.Err(); err != nil {
		return nil, usagef("input list %s: %w", name, err)
	}
	if len(paths) == 0 {
		return nil, usagef("input list %s names no files: give one path per line", name)
	}
	return paths, nil
}

func expandGlob(p, list string) ([]string, error) {
	if !strings.ContainsAny(p, "*?[") || remote.IsRemote(p) {
		return []string{p}, nil
	}
	if _, err := os.Stat(p); err == nil {
		return []string{p}, nil
	}
	m, err := filepath.Glob(p)
	if err != nil {
		return nil, usagef("input pattern %q: %w", p, err)
	}
	if len(m) == 0 {
		where := ""
		if list != "" {
			where = " (in " + list + ")"
		}
		return nil, usagef("input pattern %q%s matches no file: check the path", p, where)
	}
	return m, nil
}
