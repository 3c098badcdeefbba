package io.qaflow.model;

public enum Rating {
    UP,
    DOWN
}
