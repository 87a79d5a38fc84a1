package main

// FerretDB 1.24 applies an update as "query, then write" without a lock, so two
// clients running $inc or a guarded findAndModify on the same document at the same
// time lose updates (measured: 8 clients x 50 $inc ended at 43, not 400). MongoDB
// makes every single-document write atomic, and Backoffice relies on that.
//
// The proxy below is the only listener clients reach (a Unix socket, see main.go).
// It forwards each wire-protocol message to FerretDB's private Unix socket and
// holds one process-wide lock from a write command's request until its reply, so
// writes run one at a time (SQLite has a single writer anyway) while reads stay
// concurrent.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"log"
	"net"
	"sync"
)

const (
	opMsg        = 2013
	opCompressed = 2012
	moreToCome   = 1 << 1
	maxMessage   = 48 * 1024 * 1024
)

// writeCommands are the commands that change data or schema.
var writeCommands = map[string]bool{
	"insert": true, "update": true, "delete": true, "findAndModify": true,
	"findandmodify": true, "createIndexes": true, "dropIndexes": true, "create": true,
	"drop": true, "dropDatabase": true, "renameCollection": true, "collMod": true,
	"compact": true,
}

type writeLock struct{ mu sync.Mutex }

// serve accepts clients and pipes each to a new backend connection.
func serve(ln net.Listener, backend string, lock *writeLock) error {
	for {
		client, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		go handle(client, backend, lock)
	}
}

func handle(client net.Conn, backend string, lock *writeLock) {
	defer client.Close()
	server, err := net.Dial("unix", backend)
	if err != nil {
		log.Printf("proxy: backend: %v", err)
		return
	}
	defer server.Close()

	// pending carries the request id of a write whose reply releases the lock.
	pending := make(chan int32, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		pipeReplies(server, client, pending, lock)
	}()
	pipeRequests(client, server, pending, lock)
	server.Close()
	<-done
}

func pipeRequests(client, server net.Conn, pending chan int32, lock *writeLock) {
	for {
		msg, err := readMessage(client)
		if err != nil {
			return
		}
		requestID, _, opCode := header(msg)
		locked := isWrite(msg, opCode) && !expectsNoReply(msg, opCode)
		if locked {
			lock.mu.Lock()
			pending <- requestID
		}
		if _, err := server.Write(msg); err != nil {
			return
		}
	}
}

func pipeReplies(server, client net.Conn, pending chan int32, lock *writeLock) {
	var waiting *int32
	release := func() {
		if waiting != nil {
			waiting = nil
			lock.mu.Unlock()
		}
	}
	defer release()
	for {
		msg, err := readMessage(server)
		if err != nil {
			select { // a write whose reply never came must not keep the lock
			case <-pending:
				lock.mu.Unlock()
			default:
			}
			return
		}
		if waiting == nil {
			select {
			case id := <-pending:
				waiting = &id
			default:
			}
		}
		_, responseTo, _ := header(msg)
		if waiting != nil && responseTo == *waiting {
			release()
		}
		if _, err := client.Write(msg); err != nil {
			return
		}
	}
}

func readMessage(r io.Reader) ([]byte, error) {
	var size [4]byte
	if _, err := io.ReadFull(r, size[:]); err != nil {
		return nil, err
	}
	n := int32(binary.LittleEndian.Uint32(size[:]))
	if n < 16 || n > maxMessage {
		return nil, errors.New("proxy: bad message length")
	}
	msg := make([]byte, n)
	copy(msg, size[:])
	if _, err := io.ReadFull(r, msg[4:]); err != nil {
		return nil, err
	}
	return msg, nil
}

func header(msg []byte) (requestID, responseTo, opCode int32) {
	requestID = int32(binary.LittleEndian.Uint32(msg[4:8]))
	responseTo = int32(binary.LittleEndian.Uint32(msg[8:12]))
	opCode = int32(binary.LittleEndian.Uint32(msg[12:16]))
	return
}

func expectsNoReply(msg []byte, opCode int32) bool {
	return opCode == opMsg && len(msg) >= 20 &&
		binary.LittleEndian.Uint32(msg[16:20])&moreToCome != 0
}

// isWrite reports whether a message runs a write command; unknown shapes count as writes.
func isWrite(msg []byte, opCode int32) bool {
	if opCode == opCompressed {
		return true
	}
	if opCode != opMsg {
		return false // legacy OP_QUERY is only used for the handshake
	}
	name, ok := commandName(msg)
	return !ok || writeCommands[name]
}

// commandName returns the first key of the OP_MSG body section.
func commandName(msg []byte) (string, bool) {
	pos := 20 // header (16) + flagBits (4)
	for pos < len(msg) {
		kind := msg[pos]
		pos++
		if pos+4 > len(msg) {
			return "", false
		}
		size := int(binary.LittleEndian.Uint32(msg[pos : pos+4]))
		if kind == 0 {
			// BSON document: int32 size, then element: type byte, cstring name.
			if pos+5 >= len(msg) {
				return "", false
			}
			rest := msg[pos+5:]
			end := bytes.IndexByte(rest, 0)
			if end < 0 {
				return "", false
			}
			return string(rest[:end]), true
		}
		pos += size
	}
	return "", false
}
