package dev.fima.api.config;

import java.util.List;

/**
 * The end-to-end demonstration ({@code fima demo}): generate motion-defined videos (or use a real
 * dataset), pretrain one backbone with FIMA and one with the MoCo baseline under the same budget
 * and seed, train the same backbone with labels as the ceiling, and compare all three and the
 * randomly initialised floor with a linear probe and retrieval.
 *
 * <p>The top-level {@code data}, {@code clip}, {@code backbone} and {@code run} are shared: the
 * demo writes them into every job's configuration, so the nested {@code pretrain}, {@code ceiling},
 * {@code linearProbe} and {@code retrieve} sections only set what is specific to each job (their
 * own {@code data}, {@code clip}, {@code backbone} and {@code run} fields are replaced). The seed
 * {@code run.seed} also seeds the generated dataset, so a different seed is a different dataset as
 * well as a different initialisation.
 *
 * @param synth the generated dataset, used when {@code data.root} is not set
 * @param data a real dataset to use instead of generated videos ({@code root} set), or the split
 *     and loader settings for the generated one
 * @param clip the clip every job samples
 * @param backbone the backbone every row uses
 * @param pretrain the pretraining budget and hyperparameters, the same for FIMA and MoCo except
 *     {@code model.method}
 * @param ceiling supervised training of the ceiling row (a randomly initialised backbone trained
 *     with the labels)
 * @param linearProbe the linear probe run on every row
 * @param retrieve the retrieval run on every row
 * @param run seed, devices and the output folder of the whole demo
 */
public record DemoConfig(
    SynthConfig synth,
    DataConfig data,
    ClipConfig clip,
    BackboneConfig backbone,
    PretrainConfig pretrain,
    FinetuneConfig ceiling,
    LinearProbeConfig linearProbe,
    RetrieveConfig retrieve,
    RunConfig run) {

  /** Validates that every section is present. */
  public DemoConfig {
    Check.present("synth", synth);
    Check.present("data", data);
    Check.present("clip", clip);
    Check.present("backbone", backbone);
    Check.present("pretrain", pretrain);
    Check.present("ceiling", ceiling);
    Check.present("linearProbe", linearProbe);
    Check.present("retrieve", retrieve);
    Check.present("run", run);
  }

  /**
   * Returns the CPU demo, whose settings were chosen from the measurements in BENCHMARKS.md
   * ("Choosing the demo's settings") so that it finishes within 15 minutes on a 2-core CPU and the
   * supervised ceiling clearly learns: 8 motion classes x 40 videos of 48 frames at 64x48 with
   * motion at twice the base speed and background clutter 0.2; r3d-tiny on 8x32x32 clips (stride
   * 2); pretraining 30 epochs (450 steps) at batch 16, lr 0.03, key-encoder momentum 0.99, a queue
   * of 64 keys (the reference's 2240 is a quarter of UCF101's training videos; a queue larger than
   * the 240 training videos here would hold every video's own keys as negatives) and crops of at
   * least half the frame (at 64x48, a fifth of the frame is a few pixels of object); the ceiling 20
   * epochs at lr 0.01 (0.05 and above did not learn at all); probe and retrieval with 4 clips per
   * test video.
   *
   * <p>FIMA's instance term has weight 0.5 here (the reference and the library use 1; the local and
   * dense terms keep 1; the MoCo row keeps 1 on its only term). At this scale the RGB instance term
   * works against the motion terms: with the library's difference augmentation ({@code no_jitter})
   * and the reference's negatives, weight 1 gave linear top-1 30.0 / 13.75 / 47.5 % on seeds 1-3
   * and the local term 0.40 +- 0.31 nats below its chance value; weight 0.5 gave 40.0 / 53.75 /
   * 48.75 % and 0.75 +- 0.04 nats (BENCHMARKS.md, "Motion terms"). {@code --set
   * pretrain.loss.instanceWeight=1} runs FIMA with the reference's weights.
   *
   * @return the defaults
   */
  public static DemoConfig defaults() {
    SynthConfig synth =
        Configs.load(
            SynthConfig.defaults(),
            null,
            List.of(
                "classes=8",
                "videosPerClass=40",
                "width=64",
                "height=48",
                "speed=2",
                "clutter=0.2"));
    DataConfig data = Configs.load(DataConfig.defaults(), null, List.of("workers=2"));
    ClipConfig clip = Configs.load(ClipConfig.defaults(), null, List.of("frames=8", "crop=32"));
    BackboneConfig backbone =
        Configs.load(BackboneConfig.defaults(), null, List.of("name=r3d-tiny"));
    PretrainConfig pretrain =
        Configs.load(
            PretrainConfig.defaults(),
            null,
            List.of(
                "epochs=30",
                "batchSize=16",
                "optim.lr=0.03",
                "optim.referenceBatch=16",
                "model.momentum=0.99",
                "model.queueSize=64",
                "augment.minScale=0.5",
                "loss.instanceWeight=0.5",
                "checkpoint.everyEpochs=1000"));
    FinetuneConfig ceiling =
        Configs.load(
            FinetuneConfig.defaults(),
            null,
            List.of(
                "epochs=40",
                "batchSize=16",
                "optim.lr=0.01",
                "optim.referenceBatch=16",
                "dropout=0",
                "testClips=4",
                "checkpoint.everyEpochs=1000"));
    LinearProbeConfig linearProbe =
        Configs.load(LinearProbeConfig.defaults(), null, List.of("testClips=4"));
    RetrieveConfig retrieve = Configs.load(RetrieveConfig.defaults(), null, List.of("clips=4"));
    RunConfig run = Configs.load(RunConfig.defaults(), null, List.of("output=runs/demo"));
    return new DemoConfig(
        synth, data, clip, backbone, pretrain, ceiling, linearProbe, retrieve, run);
  }
}
