import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { Highlight } from './Highlight';
import { Money } from './Money';
import { ErrorList } from './Errors';

afterEach(cleanup);

describe('components', () => {
  it('renders money from a decimal string', () => {
    render(<Money value={{ amount: '4399', currency: 'CNY' }} strong />);
    expect(screen.getByText('¥4,399.00').tagName).toBe('STRONG');
  });

  it('highlights matches without injecting HTML', () => {
    const { container } = render(<Highlight html={'<em>联想</em> 台式机 &lt;script&gt;<img src=x onerror=alert(1)>'} />);
    expect(container.querySelector('mark')?.textContent).toBe('联想');
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toBe('联想 台式机 <script>');
  });

  it('lists every error as an alert', () => {
    render(<ErrorList messages={['库存不足', '单价超过协议最高限价']} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('库存不足');
    expect(alert.textContent).toContain('单价超过协议最高限价');
  });
});
