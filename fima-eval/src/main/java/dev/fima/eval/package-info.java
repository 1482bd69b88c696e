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
 * <p>The same jobs from Java, with one injector:
 *
 * <pre>{@code
 * Injector injector =
 *     Guice.createInjector(new DatasetsModule(), new DjlModule(), new EvalModule());
 * LinearProbeConfig probe =
 *     Configs.load(
 *         LinearProbeConfig.defaults(),
 *         null,
 *         List.of(
 *             "backbone=runs/pretrain/backbone",
 *             "data.dataset=folder",
 *             "data.root=my-videos",
 *             "run.output=runs/my-probe"));
 * EvalReport report = injector.getInstance(LinearProbe.class).probe(probe);
 * double top1 = report.metrics().get("top1");
 * }</pre>
 *
 * <p>Or take the backbone itself and use it in your own code. Loading checks the architecture and
 * every parameter name and shape, and refuses a mismatch naming the parameter:
 *
 * <pre>{@code
 * try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
 *   LoadedBackbone loaded = Backbones.load(Path.of("runs/pretrain/backbone"), manager);
 *   VideoBackbone backbone = loaded.backbone();
 *   BackboneInput input = loaded.descriptor().input(); // frames, crop, mean and std it expects
 *
 *   // Features: clips [B, 3, T, S, S] in [0, 1], normalised with input.mean() and input.std().
 *   ParameterStore store = new ParameterStore(manager, false);
 *   NDArray pooled = backbone.forward(store, new NDList(clips), false).get(1); // [B, C]
 *
 *   // Fine-tuning: a classifier head on top, every parameter trainable.
 *   VideoClassifier classifier = new VideoClassifier(backbone, numClasses, 0.5f);
 *   classifier.initialize(
 *       manager, DataType.FLOAT32, new Shape(1, 3, input.frames(), input.crop(), input.crop()));
 *   // ... train classifier with SoftmaxCrossEntropyLoss on its logits.
 * }
 * }</pre>
 *
 * <p>Passing {@code training = false} runs batch-norm on its running statistics and turns dropout
 * off, which is what feature extraction needs; without a gradient collector no gradient is
 * recorded.
 */
package dev.fima.eval;
