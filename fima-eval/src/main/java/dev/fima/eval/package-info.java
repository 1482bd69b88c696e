/**
 * Downstream evaluation of video backbones: linear probe, fine-tuning, multi-clip testing and
 * retrieval, each writing its numbers together with the protocol that produced them ({@code
 * <task>.json}, {@code <task>.md}, {@code <task>-config.yaml}).
 *
 * <h2>The jobs</h2>
 *
 * <ul>
 *   <li>{@link dev.fima.eval.probe.LinearProbeJob} ({@code fima linear-probe}): frozen backbone in
 *       inference mode, features cached in {@code <output>/features}, softmax regression whose
 *       learning rate and weight decay are chosen on a stratified validation part of the training
 *       split, tested once.
 *   <li>{@link dev.fima.eval.classify.MultiClipTestJob} ({@code fima test}): N uniform clips x M
 *       crops per video, probabilities (or logits) averaged, top-1, top-5, per-class accuracy and a
 *       confusion matrix (CSV and PNG).
 *   <li>{@link dev.fima.eval.retrieval.RetrievalJob} ({@code fima retrieve}): clip-averaged
 *       features centred by the gallery mean and L2-normalised; test videos query the training
 *       videos; recall@k.
 * </ul>
 *
 * <p>A backbone is named by a spec ({@link dev.fima.eval.backbone.BackboneSpec}): the folder of an
 * exported backbone, or {@code random:<name>} for the randomly initialised floor.
 *
 * <h2>Transfer to your own videos</h2>
 *
 * <p>Put the videos in one folder per class ({@code my-videos/<class>/<video>.mp4}); the {@code
 * folder} dataset kind carves a deterministic train/test split. From the command line:
 *
 * <pre>
 * ./fima linear-probe --backbone runs/pretrain/backbone --dataset folder --data my-videos -o runs/my-probe
 * ./fima retrieve     --backbone runs/pretrain/backbone --dataset folder --data my-videos -o runs/my-retrieval
 * ./fima finetune     --backbone runs/pretrain/backbone --dataset folder --data my-videos -o runs/my-finetune
 * ./fima test         --model runs/my-finetune/model    --dataset folder --data my-videos -o runs/my-test
 * </pre>
 *
 * <p>The same jobs from Java: a configuration is built from a job's defaults with {@link
 * dev.fima.api.config.ConfigBuilder}, each field named by its accessor and typed by the compiler,
 * and validated by the records when built (an error names the field as {@code --set} does):
 *
 * <pre>{@code
 * LinearProbeConfig probe =
 *     ConfigBuilder.of(LinearProbeConfig.defaults())
 *         .set(LinearProbeConfig::backbone, "runs/pretrain/backbone")
 *         .edit(LinearProbeConfig::data, d -> d.set(DataConfig::dataset, DatasetKind.FOLDER))
 *         .edit(LinearProbeConfig::data, d -> d.set(DataConfig::root, "my-videos"))
 *         .edit(LinearProbeConfig::run, r -> r.set(RunConfig::output, "runs/my-probe"))
 *         .build();
 * }</pre>
 *
 * <p>and run, the job built with plain constructors over the video data of {@code fima-datasets}
 * and the backbone registry (the command line binds the same through Guice):
 *
 * <pre>{@code
 * LinearProbe job = new LinearProbeJob(new VideoSupervisedDataSource(), new RegistryBackboneProvider());
 * EvalReport report = job.probe(probe);
 * double top1 = report.metrics().get("top1");
 * }</pre>
 *
 * <h2>Features of your own videos, the DJL way</h2>
 *
 * <p>An exported backbone folder is a DJL model: {@code Criteria} loads it (checking the
 * architecture and every parameter name and shape, and refusing a mismatch naming the parameter),
 * and {@link dev.fima.eval.zoo.VideoFeatureTranslatorFactory} turns a video file into the feature
 * vector the evaluation jobs compute for it: clips of the backbone's length and crop, cut and
 * normalised as the jobs cut them, the backbone in inference mode. With {@code backbone} the folder
 * and {@code video} a video file:
 *
 * <pre>{@code
 * var factory = new VideoFeatureTranslatorFactory();
 * var criteria = Criteria.builder().setTypes(Path.class, float[].class).optModelPath(backbone);
 * try (var model = criteria.optTranslatorFactory(factory).build().loadModel();
 *     var predictor = model.newPredictor()) {
 *   float[] features = predictor.predict(video);
 * }
 * }</pre>
 *
 * <p>{@code float[]} is the pooled feature averaged over the views ({@code optArgument("clips",
 * 10)} for 10 uniform clips, {@code "crops", 3} for three crops each); {@link
 * dev.fima.eval.zoo.FeatureMap} instead of {@code float[]} gives the last feature maps of every
 * view, and {@code NDArray} instead of {@code Path} takes clips you decoded yourself. The model zoo
 * finds backbones by name ({@link dev.fima.eval.zoo.FimaModelZoo}): {@code
 * optArtifactId("dev.fima:<folder>")} for a folder under {@code FIMA_ZOO_ROOT}, {@code
 * "dev.fima:random-r3d-18"} for the random floor.
 *
 * <h2>Training in your own code</h2>
 *
 * <p>{@code Backbones.load} gives the backbone itself, with its descriptor, and {@link
 * dev.fima.djl.train.TrainingLoop} trains any block with any DJL loss: the loop pretraining and
 * fine-tuning run, with its learning-rate schedule, gradient clipping, skipped and undone
 * non-finite steps, checkpoints, stop and resume. With {@code backbone} an exported backbone
 * folder, {@code batches} a {@link dev.fima.api.data.BatchLoader} of DJL {@code Batch}es (clips
 * {@code [B, 3, T, S, S]} normalised as the descriptor says, int64 labels), {@code run} a folder
 * and {@code classes} their number:
 *
 * <pre>{@code
 * LoadedBackbone loaded = Backbones.load(backbone, manager);
 * BackboneInput input = loaded.descriptor().input();
 * VideoClassifier classifier = new VideoClassifier(loaded.backbone(), classes, 0.5f);
 * classifier.initialize(
 *     manager, DataType.FLOAT32, new Shape(1, 3, input.frames(), input.crop(), input.crop()));
 * MomentumSgd sgd = MomentumSgd.builder().optLearningRate(0.01).build(manager);
 * ModelCheckpoint content = new ModelCheckpoint(classifier, sgd);
 * CheckpointStore checkpoints = new CheckpointStore(run.resolve(CheckpointStore.FOLDER), 3);
 * TrainingLoop loop =
 *     TrainingLoop.builder(sgd, classifier)
 *         .epochs(3)
 *         .checkpoints(checkpoints, new CheckpointConfig(1, 0, 3), content)
 *         .build();
 * var step = TrainingStep.supervised(classifier, Loss.softmaxCrossEntropyLoss());
 * loop.run(manager, batches, step, Position.START, null);
 * }</pre>
 *
 * <p>Each epoch's mean loss reaches the loop's listeners ({@code .listener(...)}: {@link
 * dev.fima.djl.train.MetricsLog} writes them as JSON lines, {@link dev.fima.djl.train.ProgressLine}
 * shows a progress bar); a step of your own (a {@link dev.fima.djl.train.TrainingStep} lambda) can
 * report more values, or augment the batch first. {@code loop.requestStop()}, from a listener or
 * another thread, ends the run at the next step boundary with a checkpoint and a {@code
 * TrainingStoppedException}; a later run (the same loop, or one with more epochs) continues from
 * the newest checkpoint:
 *
 * <pre>{@code
 * Path latest = CheckpointStore.resolve(run);
 * Position start = content.restore(latest, manager);
 * loop.run(manager, batches, step, start, latest);
 * }</pre>
 *
 * <p>Train with {@code training = true} in the forward pass (what {@code TrainingStep.supervised}
 * does); {@code training = false}, what the predictor above uses, runs batch-norm on its running
 * statistics and turns dropout off.
 */
package dev.fima.eval;
