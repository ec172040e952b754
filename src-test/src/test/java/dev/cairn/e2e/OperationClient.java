package dev.cairn.e2e;

import dev.cairn.bench.CairnHttp;
import dev.cairn.bench.VolumeModel;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * One client that repeats one family of operations on one volume until the service goes away, keeping a
 * {@link VolumeModel} of what the acknowledged (2xx) answers imply. The operation in flight when the
 * service dies is unacknowledged: {@link #outcomes()} lists every state it may have left (not done, done,
 * and for a merge the revert done without the delete), and the checks accept exactly those.
 */
final class OperationClient implements Runnable {
    /** What the client repeats. Every family also writes and snapshots, since it needs content and a tree. */
    enum Family { CREATE, DELETE, REVERT, MERGE, CLONE }

    static final int CAPACITY = 128 * 1024;
    private static final int BLOCK = 16 * 1024;
    private static final int MAX_SNAPSHOTS = 12;
    private static final int MAX_CLONES = 2;
    private static final List<String> CHILDREN_MODES = List.of("rebase", "delete", "only");

    final String pool;
    final String volume;
    final Family family;
    private final Random random;
    private VolumeModel model = new VolumeModel(CAPACITY);
    private final List<VolumeModel> inFlight = new ArrayList<>();
    private String jobInFlight;
    private boolean writeInFlight;
    private int names;
    private volatile CairnHttp http;
    private volatile int acknowledged;
    private volatile String failure;

    OperationClient(String pool, String volume, Family family, long seed) {
        this.pool = pool;
        this.volume = volume;
        this.family = family;
        this.random = new Random(seed);
    }

    /** Starts a round against {@code http}: nothing in flight yet. */
    void connect(CairnHttp service) {
        this.http = service;
        this.acknowledged = 0;
        this.inFlight.clear();
        this.jobInFlight = null;
        this.writeInFlight = false;
    }

    String path() {
        return "/api/v1/pools/" + pool + "/volumes/" + volume;
    }

    int acknowledged() {
        return acknowledged;
    }

    /** The answer that was neither a success nor the service going away, if any. */
    String failure() {
        return failure;
    }

    VolumeModel model() {
        return model;
    }

    /** Every state the volume may be in: the model, and the model with the operation in flight applied. */
    List<VolumeModel> outcomes() {
        List<VolumeModel> all = new ArrayList<>(List.of(model));
        all.addAll(inFlight);
        return all;
    }

    /** The job of the clone in flight when the service died, or null. */
    String jobInFlight() {
        return jobInFlight;
    }

    /** After a restart, the checked state the service holds becomes the model of the next round. */
    void resume(VolumeModel observed) {
        model = observed;
    }

    @Override
    public void run() {
        try {
            while (failure == null) {
                step();
            }
        } catch (IOException serviceGone) {
            // Killed: the operation in flight stays in inFlight, for the checks after the restart.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void step() throws IOException, InterruptedException {
        write();
        List<String> snapshots = model.snapshotNames();
        switch (family) {
            case CREATE -> {
                if (snapshots.size() >= MAX_SNAPSHOTS) {
                    delete(snapshots.get(0), "rebase");
                }
                create();
            }
            case DELETE -> {
                if (snapshots.size() < 4) {
                    create();
                } else {
                    delete(pick(snapshots), CHILDREN_MODES.get(random.nextInt(CHILDREN_MODES.size())));
                }
            }
            case REVERT -> {
                if (snapshots.size() < 3 || snapshots.size() < MAX_SNAPSHOTS && random.nextBoolean()) {
                    create();
                } else {
                    String target = pick(snapshots);
                    apply(m -> m.reverted(target),
                            () -> http.json("POST", path() + "/snapshots/" + target + "/revert", null));
                }
            }
            case MERGE -> {
                if (snapshots.size() < 3) {
                    create();
                } else {
                    String target = pick(snapshots);
                    VolumeModel revertedOnly = model.copy();
                    revertedOnly.reverted(target);
                    inFlight.add(revertedOnly);
                    apply(m -> m.merged(target),
                            () -> http.json("POST", path() + "/snapshots/" + target + "/merge", null));
                }
            }
            case CLONE -> {
                if (snapshots.isEmpty()) {
                    create();
                } else if (model.clones().size() >= MAX_CLONES) {
                    String clone = model.clones().keySet().iterator().next();
                    apply(m -> m.cloneDeleted(clone),
                            () -> http.json("DELETE", "/api/v1/pools/" + pool + "/volumes/" + clone, null));
                } else {
                    cloneOf(pick(snapshots));
                }
            }
            default -> throw new IllegalStateException(family.name());
        }
    }

    private void write() throws IOException, InterruptedException {
        byte[] data = new byte[BLOCK];
        random.nextBytes(data);
        int offset = random.nextInt(CAPACITY / BLOCK) * BLOCK;
        writeInFlight = true;
        apply(m -> m.write(offset, data), () -> http.write(path(), offset, data));
        writeInFlight = false;
    }

    /**
     * Whether {@code observed} may be the volume's content now: that of a possible outcome, or, when a
     * write was in flight, the content before it with any of its bytes written (an unacknowledged upload
     * may be torn: it is durable only once answered).
     */
    boolean possibleHead(byte[] observed) {
        for (VolumeModel outcome : outcomes()) {
            if (java.util.Arrays.equals(outcome.head(), observed)) {
                return true;
            }
        }
        if (!writeInFlight) {
            return false;
        }
        byte[] before = model.head();
        byte[] after = inFlight.get(0).head();
        for (int i = 0; i < observed.length; i++) {
            if (observed[i] != before[i] && observed[i] != after[i]) {
                return false;
            }
        }
        return true;
    }

    private void create() throws IOException, InterruptedException {
        String name = volume + "-s" + ++names;
        apply(m -> m.created(name), () -> http.json("POST", path() + "/snapshots", "{\"name\":\"" + name + "\"}"));
    }

    private void delete(String snapshot, String children) throws IOException, InterruptedException {
        apply(m -> m.deleted(snapshot, children),
                () -> http.json("DELETE", path() + "/snapshots/" + snapshot + "?children=" + children, null));
    }

    /** A clone is acknowledged by 201, or by its job's success; a job is polled until it ends. */
    private void cloneOf(String snapshot) throws IOException, InterruptedException {
        String clone = volume + "-c" + ++names;
        apply(m -> m.cloned(snapshot, clone), () -> {
            CairnHttp.Answer answer = http.json("POST", path() + "/snapshots/" + snapshot + "/clone",
                    "{\"name\":\"" + clone + "\"}");
            if (answer.status() != 202) {
                return answer;
            }
            jobInFlight = answer.location();
            CairnHttp.Answer job;
            String state;
            do {
                Thread.sleep(5); // polling the job, as a client does
                job = http.get(jobInFlight);
                state = JsonPath.from(job.text()).getString("state");
            } while (state.equals("queued") || state.equals("running"));
            jobInFlight = null;
            return new CairnHttp.Answer(state.equals("succeeded") ? 201 : 500, job.body(), null);
        });
    }

    /** One request of the REST API. */
    private interface Call {
        CairnHttp.Answer send() throws IOException, InterruptedException;
    }

    /**
     * Records the operation as in flight (applied to a copy of the model) while its answer is awaited, then,
     * on 2xx, applies it to the model. Any other answer is a failure of the test.
     */
    private void apply(Consumer<VolumeModel> change, Call call) throws IOException, InterruptedException {
        VolumeModel done = model.copy();
        change.accept(done);
        inFlight.add(done);
        CairnHttp.Answer answer = call.send();
        if (!answer.ok()) {
            failure = family + " on " + pool + "/" + volume + ": " + answer.status() + " " + answer.text();
            return;
        }
        change.accept(model);
        inFlight.clear();
        acknowledged++;
    }

    private String pick(List<String> from) {
        return from.get(random.nextInt(from.size()));
    }
}
