import { graphql } from 'relay-runtime';

// The dashboard's first screen, as a Relay app writes it: the customer,
// their SIM cards, and the first page of their orders.
export const DashboardQuery = graphql`
  query DashboardQuery($from: DateTime!, $to: DateTime!) {
    me {
      email
      simCards {
        id
        iccid
        balance { amount currencyCode }
        usage(from: $from, to: $to) { totalBytes }
      }
      ...Orders_user
    }
  }
`;
