// Command delayserver serves a folder over HTTP on 127.0.0.1 with a fixed
// delay added to every request, as a stand-in for object storage far
// away, and counts what it serves: the remote-input benchmark
// (bench/remote.sh) reads the same files with gomean and GDAL through it.
//
// Usage:
//
//	go run ./bench/delayserver --dir DIR --addr 127.0.0.1:8765 --delay 50ms
//
// GET /_stats prints "requests N bytes N max_in_flight N"; /_stats?reset=1
// prints them and sets them to zero. Ranges are served by
// http.ServeContent (through http.FileServer).
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"sync/atomic"
	"time"
)

type counters struct{ requests, bytes, inFlight, maxInFlight atomic.Int64 }

func main() {
	dir := flag.String("dir", ".", "folder to serve")
	addr := flag.String("addr", "127.0.0.1:8765", "address to listen on")
	delay := flag.Duration("delay", 50*time.Millisecond, "delay added to each request")
	flag.Parse()
	var c counters
	files := http.FileServer(http.Dir(*dir))
	mux := http.NewServeMux()
	mux.HandleFunc("/_stats", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "requests %d bytes %d max_in_flight %d\n", c.requests.Load(), c.bytes.Load(), c.maxInFlight.Load())
		if r.URL.Query().Get("reset") != "" {
			c.requests.Store(0)
			c.bytes.Store(0)
			c.maxInFlight.Store(0)
		}
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		c.requests.Add(1)
		n := c.inFlight.Add(1)
		defer c.inFlight.Add(-1)
		for {
			m := c.maxInFlight.Load()
			if n <= m || c.maxInFlight.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(*delay)
		files.ServeHTTP(countingWriter{w, &c.bytes}, r)
	})
	fmt.Fprintf(os.Stderr, "delayserver: %s on http://%s, %v per request\n", *dir, *addr, *delay)
	log.Fatal(http.ListenAndServe(*addr, mux))
}

type countingWriter struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (w countingWriter) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	w.n.Add(int64(n))
	return n, err
}
