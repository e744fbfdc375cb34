package org.tiphotline.console.retention;

import java.security.Principal;
import java.util.List;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.console.web.Actors;
import org.tiphotline.retention.RetentionBatchNotFound;
import org.tiphotline.retention.RetentionBatches;
import org.tiphotline.retention.RetentionJob;

/**
 * Retention batches over HTTP, for the data management leader (the URL rules say so, and the service refuses anyone
 * else again). Approving only records the decision; the leading node's job erases, a record per transaction, and
 * is woken at once when this node leads.
 */
@RestController
@RequestMapping(RetentionAccess.API)
class RetentionApi {

    record Overview(List<String> rules, List<RetentionBatches.Batch> batches) {}

    record Decision(String note) {}

    private final RetentionBatches batches;
    private final RetentionJob job;
    private final Actors actors;

    RetentionApi(RetentionBatches batches, RetentionJob job, Actors actors) {
        this.batches = batches;
        this.job = job;
        this.actors = actors;
    }

    @GetMapping
    Overview overview(Principal principal) {
        List<RetentionBatches.Batch> list = batches.list(actors.of(principal));
        return new Overview(batches.rules(), list);
    }

    @PostMapping("/batches/{id}/approve")
    RetentionBatches.Batch approve(@PathVariable String id, Principal principal) {
        RetentionBatches.Batch batch = batches.approve(actors.of(principal), uuid(id));
        job.wake();
        return batch;
    }

    @PostMapping("/batches/{id}/reject")
    RetentionBatches.Batch reject(@PathVariable String id, @RequestBody(required = false) Decision body,
            Principal principal) {
        return batches.reject(actors.of(principal), uuid(id), body == null ? null : body.note());
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new RetentionBatchNotFound();
        }
    }
}
