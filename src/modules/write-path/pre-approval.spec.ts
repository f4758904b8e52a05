import { assertPreApproval, mintPreApproval, PreApproval } from './pre-approval';

describe('PreApproval', () => {
  it('is minted with its grant and cannot be changed afterwards', () => {
    const grant = mintPreApproval({ environmentKey: 'production', links: { changeRequest: { id: 'cr-1' } } });
    expect(grant).toBeInstanceOf(PreApproval);
    expect(grant.environmentKey).toBe('production');
    expect(grant.links).toEqual({ changeRequest: { id: 'cr-1' } });
    expect(() => Object.assign(grant, { environmentKey: 'staging' })).toThrow(TypeError);
  });

  it('leaves every environment gated when the grant names none', () => {
    expect(mintPreApproval({ links: {} }).environmentKey).toBeUndefined();
  });

  it('refuses a forged token or a look-alike object', () => {
    // Reflect.construct stands in for code the compiler does not check, which could pass any symbol.
    expect(() => Reflect.construct(PreApproval, [Symbol('pre-approval'), { links: {} }])).toThrow(
      /minted only by mintPreApproval/,
    );
    expect(() => assertPreApproval({ environmentKey: 'production', links: {} })).toThrow(/mintPreApproval/);
    expect(() => assertPreApproval(undefined)).not.toThrow();
  });
});
