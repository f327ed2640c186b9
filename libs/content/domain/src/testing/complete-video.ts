/** A complete video of a linked product (title, captions and a long enough transcript), as the unit specs start from. */
export const COMPLETE_VIDEO = {
  text: {
    title: 'Linen shirt after ten washes',
    captions: 'I washed this linen shirt ten times: here is how the fabric and seams held up.',
    transcript: 'Hello everyone. '.repeat(20),
  },
  linkedProducts: [{ productId: 'p-1', merchantId: 'm-1' }],
  mediaFingerprint: 'fp-1',
};
