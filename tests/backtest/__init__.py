"""Tests of detente.backtest."""
