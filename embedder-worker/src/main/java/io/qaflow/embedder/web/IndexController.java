package io.qaflow.embedder.web;

import io.qaflow.embedder.ingest.IndexStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/index}: documents, chunks, whether the corpus is caught up, and the corpus version. */
@RestController
public class IndexController {
    private final IndexStatus status;

    public IndexController(IndexStatus status) {
        this.status = status;
    }

    @GetMapping("/v1/index")
    public IndexStatus.Snapshot index() {
        return status.snapshot();
    }
}
