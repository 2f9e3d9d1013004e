package main

// FerretDB v1 applies an update by reading the document, changing it in Go and writing it back,
// with nothing to stop a second writer in between: of two concurrent updates of one document one
// can be lost, and two conditional updates can both see their condition hold. MongoDB applies
// every single-document write atomically, and the contract service relies on that. So clients reach FerretDB through this proxy, which lets
// one write command at a time into each collection and passes every other message through
// untouched (docs/mongo-server.md, "Atomic writes").

import (
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"

	"github.com/FerretDB/wire"
)

// Commands that change data. A read needs no lock: FerretDB stores each document whole, so a
// reader sees it before or after a write.
var writeCommands = map[string]bool{
	"insert": true, "update": true, "delete": true, "findandmodify": true,
	"create": true, "drop": true, "dropdatabase": true, "createindexes": true, "dropindexes": true,
}

// writeGate hands out one mutex per collection.
type writeGate struct {
	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

func (g *writeGate) lock(namespace string) *sync.Mutex {
	g.mu.Lock()
	l, ok := g.locks[namespace]
	if !ok {
		l = &sync.Mutex{}
		g.locks[namespace] = l
	}
	g.mu.Unlock()
	l.Lock()
	return l
}

// serialize accepts clients on ln and relays each over its own connection to FerretDB.
func serialize(ln net.Listener, dial func() (net.Conn, error), logger *slog.Logger) {
	gate := &writeGate{locks: map[string]*sync.Mutex{}}
	for {
		client, err := ln.Accept()
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				logger.Error("accept", "error", err)
			}
			return
		}
		go relay(client, dial, gate, logger)
	}
}

func relay(client net.Conn, dial func() (net.Conn, error), gate *writeGate, logger *slog.Logger) {
	defer client.Close()
	server, err := dial()
	if err != nil {
		logger.Error("cannot reach FerretDB", "error", err)
		return
	}
	defer server.Close()

	// The lock each write holds, by its requestID, until the answer to it (responseTo) passes back.
	var mu sync.Mutex
	held := map[int32]*sync.Mutex{}
	release := func(requestID int32) {
		mu.Lock()
		if l, ok := held[requestID]; ok {
			l.Unlock()
			delete(held, requestID)
		}
		mu.Unlock()
	}
	defer func() { // a connection that closes mid-write frees its lock
		mu.Lock()
		for _, l := range held {
			l.Unlock()
		}
		held = nil
		mu.Unlock()
	}()

	answered := make(chan struct{})
	go func() { // server → client
		defer close(answered)
		defer client.Close()
		for {
			frame, err := readFrame(server)
			if err != nil {
				return
			}
			release(int32(binary.LittleEndian.Uint32(frame[8:12])))
			if _, err := client.Write(frame); err != nil {
				return
			}
		}
	}()

	for { // client → server
		frame, err := readFrame(client)
		if err != nil {
			break
		}
		if namespace, ok := writeTarget(frame); ok {
			l := gate.lock(namespace)
			mu.Lock()
			held[int32(binary.LittleEndian.Uint32(frame[4:8]))] = l
			mu.Unlock()
		}
		if _, err := server.Write(frame); err != nil {
			break
		}
	}
	server.Close()
	<-answered
}

// readFrame reads one whole wire message (header and body) as it came.
func readFrame(r io.Reader) ([]byte, error) {
	header := make([]byte, wire.MsgHeaderLen)
	if _, err := io.ReadFull(r, header); err != nil {
		return nil, err
	}
	length := int(binary.LittleEndian.Uint32(header[0:4]))
	if length < wire.MsgHeaderLen || length > wire.MaxMsgLen {
		return nil, errors.New("bad message length")
	}
	frame := make([]byte, length)
	copy(frame, header)
	_, err := io.ReadFull(r, frame[wire.MsgHeaderLen:])
	return frame, err
}

// writeTarget names the collection ("<database>.<collection>") a write command changes. An
// unacknowledged write (moreToCome) gets no answer to release a lock with, so it passes unlocked;
// the drivers we use never send one.
func writeTarget(frame []byte) (namespace string, ok bool) {
	if wire.OpCode(binary.LittleEndian.Uint32(frame[12:16])) != wire.OpCodeMsg {
		return "", false
	}
	var msg wire.OpMsg
	if err := msg.UnmarshalBinaryNocopy(frame[wire.MsgHeaderLen:]); err != nil || msg.Flags.FlagSet(wire.OpMsgMoreToCome) {
		return "", false
	}
	doc, err := msg.RawSection0().Decode()
	if err != nil || !writeCommands[strings.ToLower(doc.Command())] {
		return "", false
	}
	database, ok := doc.Get("$db").(string)
	if !ok {
		return "", false
	}
	collection, _ := doc.Get(doc.Command()).(string) // absent for dropDatabase: the whole database's own key
	return database + "." + collection, true
}
