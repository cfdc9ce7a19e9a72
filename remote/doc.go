// Package remote reads files over HTTP(S) and S3 by byte range, as an
// io.ReaderAt, so that a parser written for local files (the geotiff
// Reader) reads cloud-optimized files in place. It knows nothing of TIFF:
// it sees byte ranges, and makes them cheap.
//
// A [Client] opens [File] values from URLs (https://, http://, s3://,
// and GDAL's /vsicurl/ and /vsis3/ spellings, see [Parse]). Its files
// share:
//
//   - a byte cache of BlockBytes blocks, least recently used dropped
//     first, so header and tile bytes read twice are fetched once;
//   - a cap on the requests in flight, per file and in all, over
//     keep-alive connections.
//
// Each file reads its first HeaderBytes at open (the TIFF header and, in a
// COG, the IFDs; the size comes with it). Missing blocks are fetched in
// requests that merge ranges less than GapBytes apart; reads that go
// forward start a read-ahead that doubles up to ReadaheadBytes and is
// requested before the reads reach it, so several requests are in flight
// while the caller decodes. A caller that knows which ranges it will read
// (the tiles under a window) says so with [File.Expect]: read-ahead then
// fetches those only.
//
// The first answer's ETag, Last-Modified and size are kept; a later answer
// that differs fails the read ("changed while being read"), and requests
// carry If-Match when the ETag is strong. [Client.ReadSmall] fetches a
// small file (a sidecar) in one request, a client error meaning none.
//
// Transient failures (5xx, 429, 408, timeouts, reset connections, bodies
// shorter than announced) are retried with exponential backoff and full
// jitter, bounded in count and time; other statuses fail at once with an
// [*Error] naming the URL and the status. A server that ignores Range is
// detected on the first request, whose full answer is kept (in a
// temporary file when larger than HeaderBytes): the file is downloaded
// once, never once per read.
//
// S3 requests are signed with the AWS SDK for Go v2's SigV4 signer, with
// credentials, region and endpoint taken from the environment and the
// shared AWS files as the AWS tools and GDAL take them (see the
// documentation of gomean's docs/REMOTE.md).
package remote
