// Command tsnetserve does what `tailscale serve --tcp` does, as a plain Go program over tsnet:
// it joins the tailnet and carries every connection to one tailnet port to a local address with
// a pair of io.Copy, as tailscaled's serve does, with tsnet's and netstack's defaults throughout.
//
// It is a reference for the bridge bench only (BENCH_BRIDGE_PEER_B=tsnet), never shipped: set
// against tailscaled doing the same job, it shows what tsnet itself costs, apart from anything
// our node adds (Node, the C archive, native/forward, its buffer caps and memory keeping).
//
// Environment: TSNETSERVE_DIR (state folder), TSNETSERVE_CONTROL (control URL),
// TSNETSERVE_KEYFILE (a file holding a pre-auth key), TSNETSERVE_PORT (the tailnet port),
// TSNETSERVE_TARGET (host:port). It prints its IPv4 address once it is up.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"os"

	"tailscale.com/envknob"
	"tailscale.com/tsnet"
)

func main() {
	envknob.SetNoLogsNoSupport()
	key, err := os.ReadFile(os.Getenv("TSNETSERVE_KEYFILE"))
	if err != nil {
		log.Fatal(err)
	}
	srv := &tsnet.Server{
		Dir:        os.Getenv("TSNETSERVE_DIR"),
		Hostname:   "tsnetserve",
		ControlURL: os.Getenv("TSNETSERVE_CONTROL"),
		AuthKey:    string(key),
		Logf:       func(string, ...any) {},
	}
	if _, err := srv.Up(context.Background()); err != nil {
		log.Fatal(err)
	}
	ln, err := srv.Listen("tcp", ":"+os.Getenv("TSNETSERVE_PORT"))
	if err != nil {
		log.Fatal(err)
	}
	ip4, _ := srv.TailscaleIPs()
	fmt.Println(ip4)
	target := os.Getenv("TSNETSERVE_TARGET")
	for {
		conn, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go serve(conn, target)
	}
}

// serve is tailscaled's TCPForward: the first direction to end ends both.
func serve(conn net.Conn, target string) {
	defer conn.Close()
	back, err := net.Dial("tcp", target)
	if err != nil {
		return
	}
	defer back.Close()
	errc := make(chan error, 1)
	go func() { _, err := io.Copy(back, conn); errc <- err }()
	go func() { _, err := io.Copy(conn, back); errc <- err }()
	<-errc
}
