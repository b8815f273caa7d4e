// Pause, resume and stop from the page for a Trainer that may not exist yet. A run starts with
// awaited work (reading the cached slices, starting augmentation workers and training threads); a
// request arriving then is kept and applied when the trainer is attached, so a Stop clicked in the
// run's first seconds is never lost (it was, once starting the training threads made that window
// long enough to click in).
import type { Trainer } from '../model/trainer';

export class TrainerControl {
  private trainer: Trainer | null = null;
  private paused = false;
  private stopped = false;

  /** The run's trainer from now on; requests made before apply to it at once. */
  attach(trainer: Trainer): void {
    this.trainer = trainer;
    if (this.stopped) trainer.stop();
    else if (this.paused) trainer.pause();
  }

  detach(): void {
    this.trainer = null;
  }

  pause(): void {
    this.paused = true;
    this.trainer?.pause();
  }

  resume(): void {
    this.paused = false;
    this.trainer?.resume();
  }

  stop(): void {
    this.stopped = true;
    this.trainer?.stop();
  }

  get isPaused(): boolean {
    return this.trainer?.isPaused ?? this.paused;
  }
}
