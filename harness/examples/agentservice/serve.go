package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"time"
)

// serve runs the service until ctx ends (SIGINT or SIGTERM).
func serve(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	bootstrap := fs.String("bootstrap", "", "the Kafka cluster, host:port[,host:port]")
	topic := fs.String("topic", "voice-agentstate", "the topic to publish to (it must exist)")
	listen := fs.String("listen", "127.0.0.1:8080", "the HTTP adapter's address; port 0 picks a free one")
	urlFile := fs.String("url-file", "", "a file to write the adapter's base URL to once it listens")
	if err := fs.Parse(args); err != nil || *bootstrap == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "agentservice serve: --bootstrap is needed\n"+usage)
		return 2
	}
	if err := listenAndServe(ctx, *bootstrap, *topic, *listen, *urlFile, stderr); err != nil {
		fmt.Fprintf(stderr, "agentservice: %v\n", err)
		return 1
	}
	return 0
}

func listenAndServe(ctx context.Context, bootstrap, topic, listen, urlFile string, stderr io.Writer) error {
	pub, err := newKafkaPublisher(bootstrap, topic)
	if err != nil {
		return fmt.Errorf("connect to kafka: %w", err)
	}
	defer pub.close()
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	url := "http://" + ln.Addr().String()
	logger := log.New(stderr, "agentservice: ", log.LstdFlags|log.Lmicroseconds)
	srv := &http.Server{Handler: newService(pub, "agentservice").handler(logger), ReadHeaderTimeout: 10 * time.Second}
	if urlFile != "" {
		if err := os.WriteFile(urlFile, []byte(url+"\n"), 0o644); err != nil {
			ln.Close()
			return fmt.Errorf("write url file: %w", err)
		}
	}
	logger.Printf("serving the adapter protocol at %s/v1/stimulus, publishing to %s on %s", url, topic, bootstrap)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shut down: %w", err)
	}
	logger.Printf("stopped")
	return nil
}
