package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// Info is what the generated main package knows about the service.
type Info struct {
	Name        string
	DefaultPort int
}

// Main runs the command line and returns the process exit code:
// 0 on a clean stop, 1 on a runtime or configuration error, 2 on misuse.
func Main(args []string, info Info) int {
	switch {
	case len(args) == 0:
		return serve(info, os.Getenv, os.Stdout, os.Stderr)
	case len(args) == 1 && args[0] == "healthcheck":
		return healthcheck(info, os.Getenv, os.Stderr)
	default:
		fmt.Fprintf(os.Stderr, "usage: %s [healthcheck]\n  (no argument) serve HTTP\n  healthcheck    exit 0 if the local instance answers GET /healthz with 200\n", info.Name)
		return 2
	}
}

func serve(info Info, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg, err := LoadConfig(getenv, info.Name, info.DefaultPort)
	if err != nil {
		fmt.Fprintf(stderr, "%v\nSee README.md (\"Configuration\") for the allowed values.\n", err)
		return 1
	}
	// Log lines are batched (see lineWriter). This defer is the first, so it
	// runs last: after every other line, on every return, including the
	// error ones, and while a panic unwinds. Main's caller exits after that.
	logOut := newLineWriter(stdout, logFlushInterval, logBufferSize)
	defer logOut.Close()
	logger := NewLogger(logOut, cfg.LogLevel, cfg.ServiceName)

	// SIGTERM is how Kubernetes and docker stop a container; SIGINT is Ctrl-C.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()

	shutdownTracing, err := setupTracing(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", info.Name, err)
		return 1
	}
	defer func() {
		flushCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := shutdownTracing(flushCtx); err != nil {
			logger.Warn("flushing traces failed", "error", err.Error())
		}
	}()

	listener, err := net.Listen("tcp", cfg.Addr())
	if err != nil {
		logger.Error("cannot listen", "address", cfg.Addr(), "error", err.Error())
		return 1
	}
	logger.Info("listening", "address", listener.Addr().String(), "tracing", cfg.TracingEnabled())

	if err := NewServer(cfg, logger).Serve(ctx, listener); err != nil {
		logger.Error("server stopped with an error", "error", err.Error())
		return 1
	}
	logger.Info("shutdown complete")
	return 0
}

// healthcheck probes the instance in the same container. It reads PORT the
// same way the server does, so both agree on where to look.
func healthcheck(info Info, getenv func(string) string, stderr io.Writer) int {
	cfg, err := LoadConfig(getenv, info.Name, info.DefaultPort)
	if err != nil {
		fmt.Fprintf(stderr, "%s healthcheck: %v\n", info.Name, err)
		return 1
	}
	host := cfg.Host
	if host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1" // listening on every address includes loopback
	}
	url := "http://" + net.JoinHostPort(host, strconv.Itoa(cfg.Port)) + "/healthz"
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		fmt.Fprintf(stderr, "%s healthcheck: %v\n", info.Name, unwrapURLError(err))
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "%s healthcheck: GET %s answered %s\n", info.Name, url, resp.Status)
		return 1
	}
	return 0
}

func unwrapURLError(err error) error {
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return opErr
	}
	return err
}
