import { describe, expect, it } from 'vitest';
import { errorMessage, errorsByField, generalErrors, offerErrors } from './errors';

const errors = [
  { code: 'OVER_CEILING', field: 'offer:T2ZmZXI6MQ==', message: '单价 5200.00 元超过最高限价 5100.00 元' },
  { code: 'OUT_OF_STOCK', field: 'offer:T2ZmZXI6MQ==', message: '' },
  { code: 'PLAN_INSUFFICIENT', field: 'planId', message: '采购计划剩余金额不足' },
  { code: 'SECOND_COMPETITION_REQUIRED', field: null, message: '' },
];

describe('errors', () => {
  it('puts every line error next to its line, all at once', () => {
    const byField = errorsByField(errors);
    expect(offerErrors(byField, 'T2ZmZXI6MQ==')).toEqual(['单价 5200.00 元超过最高限价 5100.00 元', '库存不足']);
    expect(offerErrors(byField, 'other')).toEqual([]);
    expect(byField.get('planId')).toEqual(['采购计划剩余金额不足']);
  });

  it('keeps errors without a line or form field for the summary', () => {
    expect(generalErrors(errorsByField(errors), ['planId'])).toEqual(['金额超过限额，须二次竞价']);
  });

  it('never shows an English code when a message is missing', () => {
    expect(errorMessage({ code: 'NO_PLAN', message: '' })).toBe('请选择采购计划');
    expect(errorMessage({ code: 'SOMETHING_NEW', message: '' })).toBe('操作失败（SOMETHING_NEW）');
  });
});
