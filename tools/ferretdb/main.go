// Command ferretdb-embedded runs FerretDB with its SQLite backend on loopback.
//
// It embeds the github.com/FerretDB/FerretDB/ferretdb package because the
// upstream command, installed from the module proxy, panics at start (its
// version file is not part of the published module).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	dataDir := flag.String("data-dir", "var/ferretdb", "directory for the SQLite files")
	port := flag.Int("port", 27017, "TCP port to listen on (127.0.0.1 only)")
	flag.Parse()

	dir, err := filepath.Abs(*dataDir)
	if err != nil {
		log.Fatalf("data dir: %v", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		log.Fatalf("data dir: %v", err)
	}

	addr := net.JoinHostPort("127.0.0.1", fmt.Sprint(*port))
	// FerretDB itself listens only on a private Unix socket; clients reach it through
	// the write-serialising proxy on loopback TCP (see proxy.go).
	socket := filepath.Join(dir, fmt.Sprintf("ferretdb-%d.sock", *port))
	_ = os.Remove(socket)
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: socket},
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
	})
	if err != nil {
		log.Fatalf("ferretdb: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatalf("listen %s: %v", addr, err)
	}
	go func() {
		<-ctx.Done()
		ln.Close()
	}()
	go func() {
		if err := serve(ln, socket, &writeLock{}); err != nil {
			log.Fatalf("proxy: %v", err)
		}
	}()

	log.Printf("ferretdb listening on %s (writes serialised), data in %s", addr, dir)
	if err := f.Run(ctx); err != nil {
		log.Fatalf("ferretdb: %v", err)
	}
}
