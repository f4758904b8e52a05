import { Link } from '../../router/router';
import { paths } from '../../router/paths';
import type { PageProps } from '../../router/routes';

export function NotFoundPage(_props: PageProps) {
  return (
    <>
      <h1>No page here</h1>
      <p>
        The console has no page at this address. <Link to={paths.myReviews()}>Go to My reviews</Link>.
      </p>
    </>
  );
}
