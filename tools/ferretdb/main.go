// Command ferretdb-embedded runs FerretDB with its SQLite backend for one user.
//
// It embeds the github.com/FerretDB/FerretDB/ferretdb package because the
// upstream command, installed from the module proxy, panics at start (its
// version file is not part of the published module).
//
// Access control: the server listens on nothing but a Unix socket in its data
// directory. The process runs with umask 077 and the directory is made 0700, so
// the socket, FerretDB's private socket and the SQLite files are 0600: only the
// owner of the data directory (and root) can connect, no other local user.
package main

import (
	"context"
	"errors"
	"flag"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	dataDir := flag.String("data-dir", "var/ferretdb", "directory for the SQLite files and the sockets")
	socketName := flag.String("socket", "", "Unix socket clients connect to (default DATA_DIR/backoffice.sock)")
	flag.Parse()

	syscall.Umask(0o077) // every file and socket we create is the owner's only

	dir, err := filepath.Abs(*dataDir)
	if err != nil {
		log.Fatalf("data dir: %v", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		log.Fatalf("data dir: %v", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		log.Fatalf("data dir: %v", err)
	}

	public := *socketName
	if public == "" {
		public = filepath.Join(dir, "backoffice.sock")
	}
	if err := removeStaleSocket(public); err != nil {
		log.Fatal(err)
	}
	// FerretDB itself listens only on a private Unix socket; clients reach it through
	// the write-serialising proxy on the public socket (see proxy.go).
	private := filepath.Join(dir, "ferretdb-internal.sock")
	_ = os.Remove(private)
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: private},
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
	})
	if err != nil {
		log.Fatalf("ferretdb: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	ln, err := net.Listen("unix", public)
	if err != nil {
		log.Fatalf("listen %s: %v", public, err)
	}
	if err := os.Chmod(public, 0o600); err != nil { // umask made it so already
		log.Fatalf("socket mode: %v", err)
	}
	go func() {
		<-ctx.Done()
		ln.Close()
	}()
	go func() {
		if err := serve(ln, private, &writeLock{}); err != nil {
			log.Fatalf("proxy: %v", err)
		}
	}()

	log.Printf("ferretdb listening on %s (mode 0600, writes serialised), data in %s", public, dir)
	if err := f.Run(ctx); err != nil {
		log.Fatalf("ferretdb: %v", err)
	}
}

// removeStaleSocket removes a socket file left by a crashed server and refuses
// to start when a live server still answers on it.
func removeStaleSocket(path string) error {
	if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if conn, err := net.DialTimeout("unix", path, time.Second); err == nil {
		conn.Close()
		return errors.New("another server is listening on " + path)
	}
	return os.Remove(path)
}
