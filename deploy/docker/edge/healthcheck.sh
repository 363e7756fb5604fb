#!/bin/bash
# The edge listens on both ports (whether replicas behind it answer is their own health check's business).
exec 3<>/dev/tcp/127.0.0.1/5000 4<>/dev/tcp/127.0.0.1/8080
