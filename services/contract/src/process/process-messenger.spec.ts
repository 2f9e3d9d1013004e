import type { SchedulerRegistry } from '@nestjs/schedule';
import { type EngineClient, UpstreamError } from '@otus/common';
import type { Model } from 'mongoose';
import type { PendingMessage } from './pending-message.schema';
import { ProcessMessenger } from './process-messenger';

/** The engine's answer when another change of the same process instance came first (REST: the message only). */
const conflict = () =>
  new UpstreamError(
    'engine',
    500,
    "engine answered HTTP 500: ENGINE-03005 Execution of 'UPDATE ExecutionEntity[…]' failed. Entity was updated by another transaction concurrently.",
  );

function messenger(correlate: jest.Mock) {
  const pending = {
    updateOne: jest.fn().mockResolvedValue({ matchedCount: 1 }),
    deleteOne: jest.fn().mockResolvedValue({ deletedCount: 1 }),
  };
  const engine = { correlate, findByBusinessKey: jest.fn().mockResolvedValue({ state: 'ACTIVE' }) };
  const sut = new ProcessMessenger(
    pending as unknown as Model<PendingMessage>,
    engine as unknown as EngineClient,
    {} as SchedulerRegistry,
  );
  return { sut, pending };
}

describe('ProcessMessenger delivering a decision', () => {
  it('tries a correlation that met a concurrent change again at once, instead of leaving it to the sweep', async () => {
    const correlate = jest.fn().mockRejectedValueOnce(conflict()).mockResolvedValue('correlated');
    const { sut, pending } = messenger(correlate);
    await sut.send('app-1', 'ContractSigned');
    expect(correlate).toHaveBeenCalledTimes(2);
    expect(pending.deleteOne).toHaveBeenCalledWith({ _id: 'app-1', name: 'ContractSigned' });
    // Stored once (before the attempt), never rescheduled.
    expect(pending.updateOne).toHaveBeenCalledTimes(1);
  });

  it('leaves a conflict that lasts to the sweep, with its back-off, after a few tries', async () => {
    const correlate = jest.fn().mockRejectedValue(conflict());
    const { sut, pending } = messenger(correlate);
    await sut.send('app-2', 'ContractSigned');
    expect(correlate).toHaveBeenCalledTimes(4);
    expect(pending.deleteOne).not.toHaveBeenCalled();
    expect(pending.updateOne).toHaveBeenLastCalledWith(
      { _id: 'app-2', name: 'ContractSigned' },
      { $set: { attempts: 1, nextAttemptAt: expect.any(Date) } },
    );
  });

  it('does not retry an engine that is down at once: that waits for the sweep', async () => {
    const correlate = jest.fn().mockRejectedValue(new UpstreamError('engine', 503, 'engine answered HTTP 503'));
    const { sut, pending } = messenger(correlate);
    await sut.send('app-3', 'ContractSigned');
    expect(correlate).toHaveBeenCalledTimes(1);
    expect(pending.updateOne).toHaveBeenCalledTimes(2);
  });
});
