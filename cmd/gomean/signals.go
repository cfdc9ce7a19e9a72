package main

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
)

// signalCause is the cause of a context cancelled by a signal.
type signalCause struct{ sig os.Signal }

func (c signalCause) Error() string { return "interrupted by " + signalName(c.sig) }

// notifyContext returns a context that the first of stopSignals cancels,
// with a signalCause that caughtSignal reads. After that first signal the
// signals get their default action again, so a second one ends the process
// at once. A signal that was ignored when gomean started (SIGHUP under
// nohup) stays ignored. stop releases the signals.
func notifyContext(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	var sigs []os.Signal
	for _, s := range stopSignals {
		if !signal.Ignored(s) {
			sigs = append(sigs, s)
		}
	}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			signal.Stop(ch)
			cancel(signalCause{s})
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		select {
		case <-done:
		default:
			close(done)
		}
		cancel(nil)
	}
}

// caughtSignal returns the signal that cancelled ctx, or nil.
func caughtSignal(ctx context.Context) os.Signal {
	var c signalCause
	if errors.As(context.Cause(ctx), &c) {
		return c.sig
	}
	return nil
}

// signalNames are the names of the signals gomean stops on.
var signalNames = map[os.Signal]string{os.Interrupt: "SIGINT", syscall.SIGTERM: "SIGTERM", syscall.SIGHUP: "SIGHUP"}

// signalName returns "SIGTERM" for syscall.SIGTERM and so on.
func signalName(s os.Signal) string {
	if n, ok := signalNames[s]; ok {
		return n
	}
	return s.String()
}

// signalExitCode returns 128 plus the signal's number, as a shell reports a
// process that a signal ended: 130 for SIGINT, 143 for SIGTERM, 129 for
// SIGHUP.
func signalExitCode(s os.Signal) int {
	if n, ok := s.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return 1
}

// An interruptError is the error of a run that a signal or a cancelled
// context stopped before the output was complete.
type interruptError struct {
	sig os.Signal // nil when the context was cancelled otherwise
	out string
	err error
}

func (e *interruptError) Error() string {
	how := "interrupted"
	if e.sig != nil {
		how += " by " + signalName(e.sig)
	}
	return how + ": " + e.out + " was not written"
}

func (e *interruptError) Unwrap() error { return e.err }

// isInterrupt reports whether err says that the run was interrupted.
func isInterrupt(err error) bool { return errors.As(err, new(*interruptError)) }
