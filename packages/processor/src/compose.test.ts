import { extractionProcesses } from './compose';

describe('extractionProcesses', () => {
  it('gives one process per OCR thread and one more, never more than the files in flight', () => {
    expect(extractionProcesses(2, 4)).toBe(3);
    expect(extractionProcesses(4, 8)).toBe(5);
    expect(extractionProcesses(4, 2)).toBe(2);
    expect(extractionProcesses(1, 1)).toBe(1);
  });
});
